// The live job table's model alone: rows appear, change and go as job events
// and listings say, counts per state follow, and a burst of 10,000 updates is
// applied in one pass with a sorting proxy attached as in the window. Its speed
// is measured by bench/guimodel (aether-bench-guimodel), not asserted here.
#include "ui/apiclient.h"
#include "ui/jobfilterproxy.h"
#include "ui/jobspanel.h"
#include "ui/jobtablemodel.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QJsonArray>
#include <QPainter>
#include <QSignalSpy>
#include <QStyle>
#include <QStyleOptionHeader>
#include <QTableView>
#include <QTest>

using namespace aether;

namespace {

QJsonObject jobEvent(const QString &id, const char *status, const QJsonObject &extra = {})
{
    QJsonObject json = extra;
    json.insert(QStringLiteral("job_id"), id);
    json.insert(QStringLiteral("status"), QLatin1String(status));
    json.insert(QStringLiteral("at"), QStringLiteral("2026-11-28 10:30:00.250"));
    return json;
}

QJsonObject jobEventAt(const QString &id, const char *status, const QString &at,
                       const QJsonObject &extra = {})
{
    QJsonObject json = jobEvent(id, status, extra);
    json.insert(QStringLiteral("at"), at);
    return json;
}

QJsonObject progress(const QString &id, const char *stage)
{
    return jobEvent(id, "started", {{QStringLiteral("stage"), QLatin1String(stage)}});
}

// Whether the header's style draws the arrow of `order` pointing down: the
// painted rows of a downward arrow narrow from top to bottom.
bool arrowPointsDown(QHeaderView *header, Qt::SortOrder order)
{
    QImage image(24, 24, QImage::Format_ARGB32);
    image.fill(Qt::transparent);
    QStyleOptionHeader option;
    option.initFrom(header);
    option.rect = image.rect();
    // As QHeaderView::paintSection hands it to styles.
    option.sortIndicator =
        order == Qt::AscendingOrder ? QStyleOptionHeader::SortDown : QStyleOptionHeader::SortUp;
    QPainter painter(&image);
    header->style()->drawPrimitive(QStyle::PE_IndicatorHeaderArrow, &option, &painter, header);
    painter.end();
    QList<int> widths;
    for (int y = 0; y < image.height(); ++y) {
        int width = 0;
        for (int x = 0; x < image.width(); ++x)
            width += qAlpha(image.pixel(x, y)) > 128 ? 1 : 0;
        if (width > 0)
            widths.append(width);
    }
    return widths.size() > 1 && widths.first() > widths.last();
}

// The rows the state filter shows for `state` must be as many as its count says.
void verifyCountsMatchRows(JobTableModel &jobs)
{
    JobFilterProxy proxy(&jobs);
    int total = 0;
    for (const QString &state : jobStates()) {
        proxy.setStateFilter(state);
        QCOMPARE(proxy.rowCount(), jobs.countsByState().value(state));
        total += proxy.rowCount();
    }
    QCOMPARE(total, jobs.rowCount());
}

QString jobId(int n)
{
    return QStringLiteral("job-%1").arg(n, 6, 10, QLatin1Char('0'));
}

} // namespace

class TestJobTableModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void insertsUpdatesAndRemovals()
    {
        JobTableModel jobs;
        QAbstractItemModelTester tester(&jobs);
        QSignalSpy ended(&jobs, &JobTableModel::jobsEnded);
        jobs.applyEvents(
            {jobEvent(QStringLiteral("a"), "queued"), jobEvent(QStringLiteral("b"), "queued")});
        QCOMPARE(jobs.rowCount(), 2);
        QCOMPARE(jobs.countsByState().value(QStringLiteral("queued")), 2);

        jobs.noteSubmitted(QStringLiteral("a"), QStringLiteral("file"),
                           QStringLiteral("report.pdf"), QStringLiteral("uploads"));
        jobs.applyEvents({jobEvent(QStringLiteral("a"), "started"),
                          jobEvent(QStringLiteral("a"), "started",
                                   {{QStringLiteral("stage"), QStringLiteral("embedding")},
                                    {QStringLiteral("progress"), 60}})});
        const JobRecord *a = jobs.find(QStringLiteral("a"));
        QVERIFY(a);
        QCOMPARE(a->status, QStringLiteral("started"));
        QCOMPARE(a->stage, QStringLiteral("embedding"));
        QCOMPARE(a->progress, 60);
        QCOMPARE(jobs.index(jobs.rowOf(QStringLiteral("a")), JobTableModel::NameColumn)
                     .data()
                     .toString(),
                 QStringLiteral("report.pdf"));
        QCOMPARE(jobs.countsByState().value(QStringLiteral("started")), 1);

        jobs.applyEvents(
            {jobEvent(QStringLiteral("a"), "finished"),
             jobEvent(QStringLiteral("b"), "failed",
                      {{QStringLiteral("error"), QStringLiteral("HTTPError: 404 Not Found")}})});
        QCOMPARE(ended.size(), 1);
        QCOMPARE(ended.first().first().toStringList().size(), 2);
        QCOMPARE(jobs.find(QStringLiteral("a"))->progress, 100);
        QCOMPARE(jobs.find(QStringLiteral("b"))->error, QStringLiteral("HTTPError: 404 Not Found"));
        QCOMPARE(jobs.countsByState().value(QStringLiteral("failed")), 1);

        jobs.applyJobs({QJsonObject{
            {QStringLiteral("id"), QStringLiteral("a")},
            {QStringLiteral("status"), QStringLiteral("finished")},
            {QStringLiteral("type"), QStringLiteral("file")},
            {QStringLiteral("result"),
             QJsonObject{{QStringLiteral("ingested_chunks"), 7},
                         {QStringLiteral("filename"), QStringLiteral("report.pdf")}}}}});
        QCOMPARE(jobs.find(QStringLiteral("a"))->chunks, 7);

        jobs.applyEvents({jobEvent(QStringLiteral("b"), "deleted")});
        QCOMPARE(jobs.rowCount(), 1);
        QCOMPARE(jobs.rowOf(QStringLiteral("a")), 0);
        QCOMPARE(jobs.countsByState().value(QStringLiteral("failed")), 0);

        // A complete listing without "a", taken after "a" was last mentioned, removes it.
        jobs.removeMissing({}, QDateTime::currentMSecsSinceEpoch() + 1);
        QCOMPARE(jobs.rowCount(), 0);
    }

    void filterProxy()
    {
        JobTableModel jobs;
        JobFilterProxy proxy(&jobs);
        jobs.noteSubmitted(QStringLiteral("1"), QStringLiteral("url"),
                           QStringLiteral("https://example.com"), QStringLiteral("web"));
        jobs.noteSubmitted(QStringLiteral("2"), QStringLiteral("text"),
                           QStringLiteral("hello world"), QStringLiteral("docs"));
        jobs.applyEvents({jobEvent(QStringLiteral("2"), "finished")});
        QCOMPARE(proxy.rowCount(), 2);
        proxy.setStateFilter(QStringLiteral("finished"));
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setStateFilter(QString());
        proxy.setTypeFilter(QStringLiteral("url"));
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setTypeFilter(QString());
        proxy.setTextFilter(QStringLiteral("HELLO"));
        QCOMPARE(proxy.rowCount(), 1);
    }

    // A worker takes several text jobs at once, all "started" in the queue;
    // the window counts only the one it runs as started, the rest wait.
    void startedCountsTheJobsWorkersRun()
    {
        JobTableModel jobs;
        QAbstractItemModelTester tester(&jobs);
        QJsonArray taken;
        for (int i = 0; i < 5; ++i) {
            jobs.noteSubmitted(jobId(i), QStringLiteral("text"), QStringLiteral("t"), {});
            taken.append(
                jobEvent(jobId(i), "started", {{QStringLiteral("worker"), QStringLiteral("w1")}}));
        }
        jobs.applyEvents(taken);
        QCOMPARE(jobs.countsByState().value(QStringLiteral("started")), 0);
        QCOMPARE(jobs.countsByState().value(QStringLiteral("queued")), 5);
        QCOMPARE(jobs.find(jobId(0))->status, QStringLiteral("started")); // the queue's word

        jobs.applyEvents({progress(jobId(0), "extracting")});
        QCOMPARE(jobs.countsByState().value(QStringLiteral("started")), 1);
        QCOMPARE(jobs.index(jobs.rowOf(jobId(0)), JobTableModel::StatusColumn).data().toString(),
                 QStringLiteral("started"));
        QCOMPARE(jobs.index(jobs.rowOf(jobId(1)), JobTableModel::StatusColumn).data().toString(),
                 QStringLiteral("queued"));
        // Job 0 is done and waits to be stored with the next: job 1 runs.
        jobs.applyEvents({progress(jobId(0), "storing"), progress(jobId(1), "extracting")});
        QCOMPARE(jobs.countsByState().value(QStringLiteral("started")), 1);
        QVERIFY(jobs.find(jobId(0))->waiting);
        QVERIFY(!jobs.find(jobId(1))->waiting);
        verifyCountsMatchRows(jobs);

        // A second worker's job runs alongside.
        jobs.applyEvents({jobEvent(QStringLiteral("other"), "started",
                                   {{QStringLiteral("worker"), QStringLiteral("w2")}}),
                          progress(QStringLiteral("other"), "fetching")});
        QCOMPARE(jobs.countsByState().value(QStringLiteral("started")), 2);
        jobs.applyEvents({jobEvent(jobId(0), "finished"), jobEvent(jobId(1), "finished")});
        QCOMPARE(jobs.countsByState().value(QStringLiteral("started")), 1);
        QCOMPARE(jobs.countsByState().value(QStringLiteral("queued")), 3);
        verifyCountsMatchRows(jobs);
    }

    // A listing asked for before a job's last event does not take it back.
    void anOlderListingDoesNotUndoEvents()
    {
        JobTableModel jobs;
        const QString id = QStringLiteral("a");
        const qint64 askedAtMs = QDateTime::currentMSecsSinceEpoch() - 1;
        jobs.applyEvents(
            {jobEvent(id, "started", {{QStringLiteral("worker"), QStringLiteral("w1")}}),
             progress(id, "embedding"), jobEvent(id, "finished")});
        const QJsonObject listed{{QStringLiteral("id"), id},
                                 {QStringLiteral("status"), QStringLiteral("started")},
                                 {QStringLiteral("stage"), QStringLiteral("embedding")},
                                 {QStringLiteral("worker_name"), QStringLiteral("w1")},
                                 {QStringLiteral("name"), QStringLiteral("listed name")}};
        jobs.applyJobs({listed}, askedAtMs);
        QCOMPARE(jobs.find(id)->status, QStringLiteral("finished"));
        QCOMPARE(jobs.find(id)->name, QStringLiteral("listed name")); // descriptions still fill in
        QCOMPARE(jobs.countsByState().value(QStringLiteral("started")), 0);
        // Asked for after the events: the listing is newer and wins.
        jobs.applyJobs({listed}, QDateTime::currentMSecsSinceEpoch() + 1);
        QCOMPARE(jobs.find(id)->status, QStringLiteral("started"));
    }

    // A scheduled job's error cell counts down to its next attempt.
    void retryCountdown()
    {
        JobTableModel jobs;
        const QDateTime retryAt = QDateTime::currentDateTimeUtc().addSecs(42);
        jobs.applyEvents({jobEvent(
            QStringLiteral("s"), "scheduled",
            {{QStringLiteral("error"), QStringLiteral("HTTPError: 503 Service Unavailable\nmore")},
             {QStringLiteral("retry_at"),
              retryAt.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"))}})});
        const QModelIndex error = jobs.index(0, JobTableModel::ErrorColumn);
        QCOMPARE(error.data().toString(),
                 QStringLiteral("retry in 42 s · HTTPError: 503 Service Unavailable …"));
        QVERIFY(error.data(Qt::ToolTipRole).toString().contains(QStringLiteral("\nmore")));
        jobs.applyEvents({jobEvent(QStringLiteral("s"), "queued")});
        QCOMPARE(jobs.index(0, JobTableModel::ErrorColumn).data().toString(), QString());
    }

    // The header's arrow says what the rows show: newest first at start, and
    // still after new rows arrive and after a click on another column.
    void sortIndicatorMatchesTheOrder()
    {
        JobTableModel jobs;
        ApiClient api(ApiEndpoint{QUrl(QStringLiteral("http://127.0.0.1:9")), {}, {}, {}});
        JobsPanel panel(&api, &jobs);
        QHeaderView *header = panel.table()->horizontalHeader();
        const auto verifyAgreement = [&] {
            QCOMPARE(header->sortIndicatorSection(), panel.proxy()->sortColumn());
            QCOMPARE(header->sortIndicatorOrder(), panel.proxy()->sortOrder());
        };
        verifyAgreement();
        QCOMPARE(header->sortIndicatorSection(), int(JobTableModel::EnqueuedColumn));
        QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
        // Newest first, so the arrow points down (and up for oldest first).
        QVERIFY(arrowPointsDown(header, Qt::DescendingOrder));
        QVERIFY(!arrowPointsDown(header, Qt::AscendingOrder));
        jobs.applyEvents(
            {jobEventAt(QStringLiteral("old"), "queued", QStringLiteral("2026-11-28 10:00:00.000")),
             jobEventAt(QStringLiteral("mid"), "queued",
                        QStringLiteral("2026-11-28 10:05:00.000"))});
        jobs.applyEvents({jobEventAt(QStringLiteral("new"), "queued",
                                     QStringLiteral("2026-11-28 10:10:00.000"))});
        const auto idAt = [&](int row) {
            return panel.proxy()->index(row, 0).data(JobTableModel::IdRole).toString();
        };
        QCOMPARE(idAt(0), QStringLiteral("new"));
        QCOMPARE(idAt(2), QStringLiteral("old"));
        verifyAgreement();
        header->setSortIndicator(JobTableModel::EnqueuedColumn, Qt::AscendingOrder);
        QCOMPARE(idAt(0), QStringLiteral("old"));
        verifyAgreement();
    }

    void tenThousandJobsInABurst()
    {
        constexpr int kJobs = 10000;
        JobTableModel jobs;
        JobFilterProxy proxy(&jobs);
        proxy.sort(JobTableModel::ProgressColumn, Qt::DescendingOrder);
        QJsonArray queued;
        QJsonArray progress;
        for (int i = 0; i < kJobs; ++i) {
            queued.append(jobEvent(jobId(i), "queued"));
            progress.append(jobEvent(jobId(i), "started",
                                     {{QStringLiteral("stage"), QStringLiteral("embedding")},
                                      {QStringLiteral("progress"), i % 100}}));
        }
        QElapsedTimer timer;
        timer.start();
        jobs.applyEvents(queued);
        const qint64 insertMs = timer.elapsed();
        timer.restart();
        jobs.applyEvents(progress);
        const qint64 updateMs = timer.elapsed();

        JobTableModel bare; // the model without a proxy
        bare.applyEvents(queued);
        timer.restart();
        bare.applyEvents(progress);
        const qint64 bareMs = timer.elapsed();
        qInfo("10,000 jobs: insert %lld ms, update burst %lld ms with a sorting proxy, %lld ms "
              "model alone (aim: 50 ms)",
              insertMs, updateMs, bareMs);
        QCOMPARE(jobs.rowCount(), kJobs);
        QCOMPARE(proxy.rowCount(), kJobs);
        QCOMPARE(jobs.countsByState().value(QStringLiteral("started")), kJobs);
        QCOMPARE(
            proxy.index(0, JobTableModel::ProgressColumn).data(JobTableModel::ProgressRole).toInt(),
            99);
    }
};

QTEST_MAIN(TestJobTableModel)
#include "tst_jobtablemodel.moc"
