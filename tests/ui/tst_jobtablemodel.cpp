// The live job table's model alone: rows appear, change and go as job events
// and listings say, counts per state follow, and a burst of 10,000 updates is
// applied in one pass with a sorting proxy attached as in the window. Its speed
// is measured by bench/guimodel (aether-bench-guimodel), not asserted here.
#include "ui/jobfilterproxy.h"
#include "ui/jobtablemodel.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QSignalSpy>
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
