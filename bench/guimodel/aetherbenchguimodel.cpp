// The desktop window's job table under a burst: N job inserts (one "queued"
// event each), then N progress updates ("started", stage and progress), each
// burst applied as one batch of events the way EventStream delivers them.
// Timed for JobTableModel alone and under JobFilterProxy sorted by progress,
// as the window shows it, and for the baseline StandardJobTable (a
// QStandardItemModel, alone and under a QSortFilterProxyModel). Best of the
// runs; the last line is for bench/report.sh.
//   aether-bench-guimodel [--jobs 10000] [--runs 5]

#include "standardjobtable.h"

#include "ui/jobfilterproxy.h"
#include "ui/jobtablemodel.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>

using namespace aether;

namespace {

struct Options
{
    int jobs = 10000;
    int runs = 5;
};

struct Burst
{
    QJsonArray queued;
    QJsonArray progress;
};

// Milliseconds of the two phases of one run.
struct Phases
{
    double insertMs = 0;
    double updateMs = 0;
    double totalMs() const { return insertMs + updateMs; }
};

// Applies a batch of events to the model under test.
using Apply = std::function<void(const QJsonArray &)>;

QJsonObject jobEvent(int n, const char *status)
{
    return {{QStringLiteral("job_id"), QStringLiteral("job-%1").arg(n, 6, 10, QLatin1Char('0'))},
            {QStringLiteral("status"), QLatin1String(status)},
            {QStringLiteral("at"), QStringLiteral("2026-11-28 10:30:00.250")}};
}

Burst makeBurst(int jobs)
{
    Burst burst;
    for (int i = 0; i < jobs; ++i) {
        burst.queued.append(jobEvent(i, "queued"));
        QJsonObject update = jobEvent(i, "started");
        update.insert(QStringLiteral("stage"), QStringLiteral("embedding"));
        update.insert(QStringLiteral("progress"), i % 100);
        burst.progress.append(update);
    }
    return burst;
}

double elapsedMs(const QElapsedTimer &clock)
{
    return double(clock.nsecsElapsed()) / 1e6;
}

Phases timePhases(const Burst &burst, const Apply &apply)
{
    Phases phases;
    QElapsedTimer clock;
    clock.start();
    apply(burst.queued);
    phases.insertMs = elapsedMs(clock);
    clock.restart();
    apply(burst.progress);
    phases.updateMs = elapsedMs(clock);
    return phases;
}

// A wrong table would make any figure meaningless, so every run is checked.
void check(bool ok, const char *what)
{
    if (ok)
        return;
    std::fprintf(stderr, "aether-bench-guimodel: wrong result: %s\n", what);
    std::exit(1);
}

int expectedFirstProgress(int jobs, bool sorted)
{
    return sorted ? std::min(jobs, 100) - 1 : 0;
}

Phases runJobTable(const Burst &burst, int jobs, bool sorted)
{
    JobTableModel model;
    std::unique_ptr<JobFilterProxy> proxy;
    if (sorted) {
        proxy = std::make_unique<JobFilterProxy>(&model);
        proxy->sort(JobTableModel::ProgressColumn, Qt::DescendingOrder);
    }
    const Phases phases =
        timePhases(burst, [&model](const QJsonArray &events) { model.applyEvents(events); });
    const QAbstractItemModel *shown =
        proxy ? proxy.get() : static_cast<const QAbstractItemModel *>(&model);
    check(shown->rowCount() == jobs, "JobTableModel row count");
    check(
        shown->index(0, JobTableModel::ProgressColumn).data(JobTableModel::ProgressRole).toInt() ==
            expectedFirstProgress(jobs, sorted),
        "JobTableModel first row");
    return phases;
}

Phases runStandardTable(const Burst &burst, int jobs, bool sorted)
{
    StandardJobTable table(sorted);
    const Phases phases =
        timePhases(burst, [&table](const QJsonArray &events) { table.applyEvents(events); });
    check(table.rowCount() == jobs, "QStandardItemModel row count");
    check(table.firstShownProgress() == expectedFirstProgress(jobs, sorted),
          "QStandardItemModel first row");
    return phases;
}

// The run with the lowest total; a fresh model each time.
Phases bestOf(int runs, const std::function<Phases()> &run)
{
    Phases best;
    for (int k = 0; k < runs; ++k) {
        const Phases phases = run();
        if (k == 0 || phases.totalMs() < best.totalMs())
            best = phases;
    }
    return best;
}

void printRow(const char *name, const Phases &phases)
{
    std::printf("| %-64s | %9.1f | %9.1f | %9.1f |\n", name, phases.insertMs, phases.updateMs,
                phases.totalMs());
}

Options parse(const QCoreApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Job table model under a burst of inserts and progress updates, beside "
                       "QStandardItemModel"));
    parser.addHelpOption();
    const QCommandLineOption jobs(QStringLiteral("jobs"), QStringLiteral("jobs in the burst"),
                                  QStringLiteral("n"), QStringLiteral("10000"));
    const QCommandLineOption runs(QStringLiteral("runs"), QStringLiteral("runs; the best counts"),
                                  QStringLiteral("n"), QStringLiteral("5"));
    parser.addOptions({jobs, runs});
    parser.process(app);
    Options options;
    options.jobs = std::max(1, parser.value(jobs).toInt());
    options.runs = std::max(1, parser.value(runs).toInt());
    return options;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv); // models only: no window, no display needed
    const Options options = parse(app);
    const Burst burst = makeBurst(options.jobs);
    const int jobs = options.jobs;
    const auto best = [&](auto run, bool sorted) {
        return bestOf(options.runs, [&] { return run(burst, jobs, sorted); });
    };
    const Phases ours = best(runJobTable, false);
    const Phases oursSorted = best(runJobTable, true);
    const Phases base = best(runStandardTable, false);
    const Phases baseSorted = best(runStandardTable, true);

    std::printf("# aether-bench-guimodel: %d job inserts, then %d progress updates, one batch "
                "each; best of %d runs, ms\n\n",
                jobs, jobs, options.runs);
    std::printf("| %-64s | %9s | %9s | %9s |\n", "model", "insert", "update", "total");
    std::printf("|%s|%s|%s|%s|\n",
                "------------------------------------------------------------------", "-----------",
                "-----------", "-----------");
    printRow("JobTableModel", ours);
    printRow("JobTableModel + JobFilterProxy (sorted by progress)", oursSorted);
    printRow("QStandardItemModel (QHash row lookup, setData per column)", base);
    printRow("QStandardItemModel + QSortFilterProxyModel (sorted by progress)", baseSorted);
    const double ratio = base.totalMs() / ours.totalMs();
    const double ratioSorted = baseSorted.totalMs() / oursSorted.totalMs();
    std::printf("\nratios (QStandardItemModel total / JobTableModel total): %.1fx alone, %.1fx "
                "with a sorting proxy\n",
                ratio, ratioSorted);
    std::printf("RESULT guimodel jobs=%d runs=%d ours_insert_ms=%.1f ours_update_ms=%.1f "
                "ours_sorted_insert_ms=%.1f ours_sorted_update_ms=%.1f base_insert_ms=%.1f "
                "base_update_ms=%.1f base_sorted_insert_ms=%.1f base_sorted_update_ms=%.1f "
                "ratio=%.2f ratio_sorted=%.2f\n",
                jobs, options.runs, ours.insertMs, ours.updateMs, oursSorted.insertMs,
                oursSorted.updateMs, base.insertMs, base.updateMs, baseSorted.insertMs,
                baseSorted.updateMs, ratio, ratioSorted);
    return 0;
}
