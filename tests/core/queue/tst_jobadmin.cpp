// The operators' side of the queue against a real redis-server: cancel, retry,
// delete, the newest-first listing with filters and cursors (also over 100,000
// jobs), queue state, and pause/resume with a real WorkerPool. A small
// JobHandler of the test's own stands in for the ingest pipeline.
#include "base/ingesterror.h"
#include "queue/jobadmin.h"
#include "queue/rediskeys.h"
#include "queue/workerpool.h"
#include "redisprocess.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <atomic>
#include <cmath>
#include <functional>

using namespace aether;

namespace {

constexpr int kFailureTtlSec = 3600;

// "sleep:N" works N ms (checking its cancel token); "fail" fails for good
// while *failing is set; anything else succeeds at once.
class TestHandler : public JobHandler
{
public:
    explicit TestHandler(const std::atomic_bool *failing) : m_failing(failing) {}

    std::unique_ptr<PreparedJob> prepare(const JobContext &job) override
    {
        const QByteArray text = job.fields.value("text");
        job.progress("embedding", 50);
        if (text.startsWith("sleep:")) {
            QElapsedTimer timer;
            timer.start();
            while (timer.elapsed() < text.mid(6).toInt()) {
                job.cancel.check();
                QThread::msleep(5);
            }
        }
        if (text == "fail" && m_failing->load())
            throw IngestError(QStringLiteral("ValueError"), QStringLiteral("asked to fail"));
        auto prepared = std::make_unique<PreparedJob>();
        prepared->result = {{QStringLiteral("ok"), true}};
        return prepared;
    }
    void store(const QList<PreparedJob *> &) override {}

private:
    const std::atomic_bool *m_failing;
};

JobRequest textJob(const QByteArray &text, const QString &tenant = QStringLiteral("default"),
                   const QByteArray &priority = "default")
{
    JobRequest request;
    request.type = JobType::Text;
    request.tenant = tenant;
    request.source = QStringLiteral("docs");
    request.text = QString::fromUtf8(text);
    request.priority = priority;
    return request;
}

JobRequest fileJob()
{
    JobRequest request = textJob({});
    request.type = JobType::File;
    request.fileName = QStringLiteral("notes.txt");
    request.fileBytes = "some notes";
    return request;
}

// One line per outcome, so a failed comparison shows what happened.
QByteArray outcome(const JobAction &action)
{
    switch (action.result) {
    case JobAction::Result::Done:
        return "done:" + action.status;
    case JobAction::Result::NotFound:
        return "not found";
    case JobAction::Result::Conflict:
        return "conflict:" + action.message.toUtf8();
    }
    return {};
}

QList<QByteArray> idsOf(const JobListPage &page)
{
    QList<QByteArray> ids;
    for (const auto &job : page.jobs)
        ids.append(job.first);
    return ids;
}

} // namespace

class TestJobAdmin : public QObject
{
    Q_OBJECT

private:
    RedisUrl url() const
    {
        QString error;
        return *RedisUrl::parse(m_redis.url(), &error);
    }

    RedisConnection &redis() { return m_queue->connection(); }

    std::unique_ptr<WorkerPool> pool()
    {
        PoolOptions options;
        options.workerCount = 1;
        options.worker.failureTtlSec = kFailureTtlSec;
        options.supervisor.failureTtlSec = kFailureTtlSec;
        return std::make_unique<WorkerPool>(
            url(), options, [this] { return std::make_unique<TestHandler>(&m_failing); });
    }

    QByteArray status(const QByteArray &id)
    {
        return m_queue->fetch(id).value_or(JobFields()).value("status");
    }

    JobFields waitForEnd(const QByteArray &id, int timeoutMs = 10000)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < timeoutMs) {
            const QByteArray now = status(id);
            if (now == "finished" || now == "failed" || now == "canceled")
                return *m_queue->fetch(id);
            QTest::qWait(10);
        }
        return {};
    }

    // Puts a queued job where a worker would have left it.
    void forceStatus(const QByteArray &id, const QByteArray &newStatus, const QByteArray &registry)
    {
        redis().pipeline({{"LREM", keys::kQueue, "0", id},
                          {"HSET", keys::job(id), "status", newStatus},
                          {"ZADD", registry, "1000", id}});
    }

    // Every job of a listing, following next cursors; counts the calls.
    QList<QByteArray> listAll(JobListQuery query, int *calls = nullptr)
    {
        QList<QByteArray> ids;
        for (int call = 1; call < 1000; ++call) {
            const JobListPage page = m_admin->list(query);
            ids += idsOf(page);
            if (!page.next) {
                if (calls)
                    *calls = call;
                return ids;
            }
            query.before = page.next;
        }
        return ids;
    }

    void setIndexScore(const QByteArray &id, qint64 score)
    {
        redis().command({"ZADD", keys::kIndex, "XX", QByteArray::number(score), id});
    }

    bool inZset(const QByteArray &key, const QByteArray &id)
    {
        return !redis().command({"ZSCORE", key, id}).isNull();
    }

    test::RedisProcess m_redis;
    std::unique_ptr<JobQueue> m_queue;
    std::unique_ptr<JobAdmin> m_admin;
    std::atomic_bool m_failing{true};

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText())); }
    void init()
    {
        m_redis.command({"FLUSHALL"});
        m_admin.reset();
        m_queue = std::make_unique<JobQueue>(url());
        m_admin = std::make_unique<JobAdmin>(m_queue->connection(), kFailureTtlSec);
        m_failing = true;
    }

    void cancelingAQueuedJobEndsItAtOnce()
    {
        const QByteArray id = m_queue->enqueue(fileJob());
        QCOMPARE(outcome(m_admin->cancel(id)), QByteArray("done:canceled"));
        const JobFields fields = *m_queue->fetch(id);
        QCOMPARE(fields.value("status"), QByteArray("canceled"));
        QVERIFY(fields.value("ended_at").size() >= 19);
        QCOMPARE(fields.value("error"), QByteArray("JobCanceled: canceled on request"));
        QCOMPARE(redis().command({"LLEN", keys::kQueue}).integer(), 0);
        QVERIFY(inZset(keys::kEndedCanceled, id));
        // RQ's CanceledJobRegistry: scored by the cancel time, in seconds.
        const double canceledAt =
            redis().command({"ZSCORE", keys::kRqCanceled, id}).string().toDouble();
        QVERIFY(std::abs(canceledAt - QDateTime::currentMSecsSinceEpoch() / 1000.0) < 60);
        QVERIFY(fields.value("ended_at").endsWith("Z") && fields.value("ended_at")[10] == 'T');
        const qint64 ttl = redis().command({"TTL", keys::job(id)}).integer();
        QVERIFY(ttl > 0 && ttl <= kFailureTtlSec);
        const qint64 blobTtl = redis().command({"TTL", keys::blob(id)}).integer();
        QVERIFY(blobTtl > 0 && blobTtl <= kFailureTtlSec); // kept for a retry, then gone
    }

    void cancelingAScheduledJobTakesItOffTheSchedule()
    {
        const QByteArray id = m_queue->enqueue(textJob("later"));
        forceStatus(id, "scheduled", keys::kRqScheduled);
        redis().command({"HSET", keys::job(id), "retry_at", "2030-01-01 00:00:00.000"});
        QCOMPARE(outcome(m_admin->cancel(id)), QByteArray("done:canceled"));
        QVERIFY(!inZset(keys::kRqScheduled, id));
        QVERIFY(inZset(keys::kEndedCanceled, id));
        QVERIFY(!m_queue->fetch(id)->contains("retry_at"));
    }

    void cancelingAStartedJobStopsItThroughItsWorker()
    {
        auto workers = pool();
        workers->start();
        const QByteArray id = m_queue->enqueue(textJob("sleep:20000"));
        QTRY_COMPARE_WITH_TIMEOUT(status(id), QByteArray("started"), 5000);
        QCOMPARE(outcome(m_admin->cancel(id)), QByteArray("done:started"));
        QCOMPARE(m_queue->fetch(id)->value("cancel_requested"), QByteArray("1"));
        QElapsedTimer timer;
        timer.start();
        const JobFields done = waitForEnd(id, 5000);
        QCOMPARE(done.value("status"), QByteArray("canceled"));
        QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
        QVERIFY(!done.contains("cancel_requested"));
    }

    void endedUnknownAndOtherTenantsJobsAreNotCanceled()
    {
        const QByteArray id = m_queue->enqueue(textJob("done"));
        forceStatus(id, "finished", keys::kEndedFinished);
        QCOMPARE(outcome(m_admin->cancel(id)), QByteArray("conflict:job already ended (finished)"));
        QCOMPARE(outcome(m_admin->cancel("no-such-job")), QByteArray("not found"));
        QCOMPARE(outcome(m_admin->cancel("../../etc")), QByteArray("not found"));
        const QByteArray acme = m_queue->enqueue(textJob("acme's", QStringLiteral("acme")));
        QCOMPARE(outcome(m_admin->cancel(acme, QStringLiteral("other"))), QByteArray("not found"));
        QCOMPARE(status(acme), QByteArray("queued"));
        QCOMPARE(outcome(m_admin->cancel(acme, QStringLiteral("acme"))),
                 QByteArray("done:canceled"));
    }

    void retryingAFailedJobRunsItAgainWithFreshAttempts()
    {
        auto workers = pool();
        workers->start();
        const QByteArray id = m_queue->enqueue(textJob("fail"));
        QCOMPARE(waitForEnd(id).value("status"), QByteArray("failed"));
        QVERIFY(inZset(keys::kEndedFailed, id));
        QVERIFY(inZset(keys::kRqFailed, id));
        m_admin->setPaused(true); // look at the queued job before a worker takes it
        m_failing = false;
        QCOMPARE(outcome(m_admin->retry(id)), QByteArray("done:queued"));
        const JobFields queued = *m_queue->fetch(id);
        QCOMPARE(queued.value("status"), QByteArray("queued"));
        QCOMPARE(queued.value("attempts"), QByteArray("0"));
        QCOMPARE(queued.value("recoveries"), QByteArray("0"));
        QVERIFY(!queued.contains("error") && !queued.contains("ended_at"));
        QCOMPARE(QJsonDocument::fromJson(queued.value("history")).array().size(), 1);
        QCOMPARE(redis().command({"TTL", keys::job(id)}).integer(), -1);
        QVERIFY(!inZset(keys::kEndedFailed, id) && !inZset(keys::kRqFailed, id));
        QVERIFY(!queued.contains("exc_info") && !queued.contains("result_json"));
        QVERIFY(!redis().command({"LRANGE", keys::kFailedList, "0", "-1"}).strings().contains(id));
        QCOMPARE(redis().command({"LRANGE", keys::kQueue, "0", "-1"}).strings(),
                 QList<QByteArray>{id});
        m_admin->setPaused(false);
        const JobFields done = waitForEnd(id);
        QCOMPARE(done.value("status"), QByteArray("finished"));
        QCOMPARE(done.value("attempts"), QByteArray("1"));
        QCOMPARE(QJsonDocument::fromJson(done.value("history")).array().size(), 2);
    }

    void aRetriedJobGoesToTheTailOfItsQueue()
    {
        const QByteArray first = m_queue->enqueue(textJob("a", QStringLiteral("default"), "high"));
        const QByteArray second = m_queue->enqueue(textJob("b", QStringLiteral("default"), "high"));
        QCOMPARE(outcome(m_admin->cancel(first)), QByteArray("done:canceled"));
        QCOMPARE(outcome(m_admin->retry(first)), QByteArray("done:queued"));
        QCOMPARE(redis().command({"LRANGE", keys::queue("high"), "0", "-1"}).strings(),
                 (QList<QByteArray>{second, first}));
        QVERIFY(!inZset(keys::kEndedCanceled, first) && !inZset(keys::kRqCanceled, first));
        QCOMPARE(redis().command({"LLEN", keys::kWake}).integer(), 3); // enqueue, enqueue, retry
    }

    void aFileJobIsRetriedOnlyWhileItsFileIsKept()
    {
        const QByteArray id = m_queue->enqueue(fileJob());
        m_admin->cancel(id);
        QCOMPARE(outcome(m_admin->retry(id)), QByteArray("done:queued"));
        QCOMPARE(redis().command({"TTL", keys::blob(id)}).integer(), -1);
        m_admin->cancel(id);
        redis().command({"DEL", keys::blob(id)});
        QCOMPARE(outcome(m_admin->retry(id)),
                 QByteArray("conflict:the uploaded file has expired; upload it again"));
        QCOMPARE(status(id), QByteArray("canceled"));
    }

    void onlyFailedOrCanceledJobsAreRetried()
    {
        const QByteArray id = m_queue->enqueue(textJob("waiting"));
        QCOMPARE(outcome(m_admin->retry(id)),
                 QByteArray("conflict:only failed or canceled jobs can be retried (this one is "
                            "queued)"));
        QCOMPARE(outcome(m_admin->retry("no-such-job")), QByteArray("not found"));
    }

    void deletingRemovesEveryTrace()
    {
        const QByteArray file = m_queue->enqueue(fileJob());
        m_admin->cancel(file);
        const QByteArray queued = m_queue->enqueue(textJob("queued"));
        const QByteArray failed = m_queue->enqueue(textJob("failed"));
        forceStatus(failed, "failed", keys::kEndedFailed);
        redis().command({"ZADD", keys::kRqFailed, "1000", failed});
        redis().command({"LPUSH", keys::kFailedList, failed});
        for (const QByteArray &id : {file, queued, failed}) {
            QCOMPARE(outcome(m_admin->remove(id)), QByteArray("done:deleted"));
            QVERIFY(!m_queue->fetch(id));
            QCOMPARE(redis().command({"EXISTS", keys::blob(id)}).integer(), 0);
            QVERIFY(!inZset(keys::kIndex, id));
            QVERIFY(!inZset(keys::kEndedCanceled, id) && !inZset(keys::kEndedFailed, id));
            QVERIFY(!inZset(keys::kRqCanceled, id) && !inZset(keys::kRqFailed, id));
        }
        QCOMPARE(redis().command({"LLEN", keys::kQueue}).integer(), 0);
        QCOMPARE(redis().command({"LLEN", keys::kFailedList}).integer(), 0);
        QCOMPARE(outcome(m_admin->remove(file)), QByteArray("not found"));
    }

    void deletingAJobFreesItsIdempotencyKey()
    {
        JobRequest request = textJob("keyed");
        request.id = JobQueue::newJobId();
        request.idempotencyKey =
            JobQueue::idempotencyRedisKey(QStringLiteral("default"), "order-9");
        QCOMPARE(m_queue->claimIdempotencyKey(QStringLiteral("default"), "order-9", request.id),
                 request.id);
        m_queue->enqueueBatch({request});
        QCOMPARE(outcome(m_admin->remove(request.id)), QByteArray("done:deleted"));
        // The key names no deleted job: the same key queues a new one.
        QCOMPARE(m_queue->claimIdempotencyKey(QStringLiteral("default"), "order-9", "next-job"),
                 QByteArray("next-job"));
    }

    void aStartedJobIsNotDeleted()
    {
        const QByteArray id = m_queue->enqueue(textJob("running"));
        forceStatus(id, "started", keys::kLeases);
        QCOMPARE(outcome(m_admin->remove(id)), QByteArray("conflict:cancel the job first"));
        QCOMPARE(status(id), QByteArray("started"));
        QVERIFY(inZset(keys::kIndex, id));
    }

    void theListIsNewestFirstAndFiltered()
    {
        const QByteArray a = m_queue->enqueue(textJob("a"));
        JobRequest url = textJob({}, QStringLiteral("acme"));
        url.type = JobType::Url;
        url.url = QStringLiteral("https://example.com/");
        const QByteArray b = m_queue->enqueue(url);
        const QByteArray c = m_queue->enqueue(textJob("c", QStringLiteral("acme"), "low"));
        const QByteArray d = m_queue->enqueue(textJob("d", QStringLiteral("default"), "high"));
        const QByteArray e = m_queue->enqueue(textJob("e"));
        const QList<QByteArray> created{a, b, c, d, e};
        for (qsizetype i = 0; i < created.size(); ++i)
            setIndexScore(created[i], 1000 + i);
        m_admin->cancel(b);
        forceStatus(e, "finished", keys::kEndedFinished);

        QCOMPARE(idsOf(m_admin->list({})), (QList<QByteArray>{e, d, c, b, a}));
        QCOMPARE(idsOf(m_admin->list({"queued", {}, {}, 50, {}})), (QList<QByteArray>{d, c, a}));
        QCOMPARE(idsOf(m_admin->list({"canceled", {}, {}, 50, {}})), QList<QByteArray>{b});
        QCOMPARE(idsOf(m_admin->list({"finished", {}, {}, 50, {}})), QList<QByteArray>{e});
        QCOMPARE(idsOf(m_admin->list({{}, "url", {}, 50, {}})), QList<QByteArray>{b});
        QCOMPARE(idsOf(m_admin->list({{}, {}, QStringLiteral("acme"), 50, {}})),
                 (QList<QByteArray>{c, b}));
        QCOMPARE(idsOf(m_admin->list({"queued", "text", QStringLiteral("acme"), 50, {}})),
                 QList<QByteArray>{c});
        QVERIFY(m_admin->list({"started", {}, {}, 50, {}}).jobs.isEmpty());

        const JobListPage page = m_admin->list({{}, {}, {}, 50, {}});
        QVERIFY(!page.next);
        const JobFields &summary = page.jobs[3].second; // b
        QCOMPARE(summary.value("status"), QByteArray("canceled"));
        QCOMPARE(summary.value("tenant"), QByteArray("acme"));
        QCOMPARE(summary.value("type"), QByteArray("url"));
        QVERIFY(!summary.contains("url") && !summary.contains("history"));
    }

    void pagesFollowTheCursorWithoutGapsOrRepeats()
    {
        QList<QByteArray> expected;
        for (int i = 0; i < 7; ++i)
            expected.prepend(m_queue->enqueue(textJob("page")));
        for (int i = 0; i < 7; ++i) // after enqueueing: enqueue trims such old scores
            setIndexScore(expected[6 - i], 2000 + i);
        const JobListPage first = m_admin->list({{}, {}, {}, 3, {}});
        QCOMPARE(idsOf(first), expected.mid(0, 3));
        QVERIFY(first.next && first.next->id.isEmpty()); // a plain creation time
        QCOMPARE(first.next->createdMs, 2004);
        int calls = 0;
        QCOMPARE(listAll({{}, {}, {}, 3, {}}, &calls), expected);
        QCOMPARE(calls, 3);
        QCOMPARE(listAll({"queued", {}, {}, 3, {}}), expected);
        // "before" as a creation time: only older jobs.
        QCOMPARE(idsOf(m_admin->list({{}, {}, {}, 50, JobCursor{2003, {}}})), expected.mid(4));
    }

    void jobsCreatedInTheSameMillisecondAreNotSkipped()
    {
        // Newer jobs first, so that the canceled ones below are rare and are
        // listed from their registry rather than by walking the index.
        QList<QByteArray> newer;
        for (int i = 0; i < 30; ++i)
            newer.append(m_queue->enqueue(textJob("newer")));
        QList<QByteArray> expected;
        for (int i = 0; i < 7; ++i)
            expected.append(m_queue->enqueue(textJob("tie")));
        for (const QByteArray &id : std::as_const(expected))
            setIndexScore(id, 3000);
        std::sort(expected.begin(), expected.end(), std::greater<QByteArray>());
        const JobListPage first = m_admin->list({{}, {}, {}, 32, {}});
        QVERIFY(first.next && !first.next->id.isEmpty()); // inside the tie
        QCOMPARE(JobCursor::fromText(first.next->toText())->id, first.next->id);
        const QList<QByteArray> all = listAll({{}, {}, {}, 2, {}});
        QCOMPARE(all.size(), 37);
        QCOMPARE(all.mid(30), expected);
        for (const QByteArray &id : std::as_const(expected))
            m_admin->cancel(id);
        QCOMPARE(listAll({"canceled", {}, {}, 2, {}}), expected);
        QCOMPARE(listAll({"queued", {}, {}, 4, {}}).size(), 30);
        // A cursor whose job was deleted meanwhile still continues in place.
        const JobListPage second = m_admin->list({"canceled", {}, {}, 2, {}});
        m_admin->remove(second.jobs.last().first);
        QCOMPARE(idsOf(m_admin->list({{}, {}, {}, 50, second.next})), expected.mid(2));
    }

    void expiredJobsAreSkippedAndLeaveTheIndex()
    {
        const QByteArray id = m_queue->enqueue(textJob("kept"));
        redis().command({"ZADD", keys::kIndex, "9999999999999", "expired-job"});
        QCOMPARE(idsOf(m_admin->list({})), QList<QByteArray>{id});
        QVERIFY(!inZset(keys::kIndex, "expired-job"));
    }

    void listingStaysCorrectOverAHundredThousandJobs()
    {
        // Job i: tenant acme when i % 1000 == 3 (then a URL job), failed when
        // i % 500 == 0, queued when i % 97 == 0, else finished; newer as i grows.
        constexpr int kJobs = 100000;
        const auto idOf = [](int i) {
            return QByteArray("job-" + QByteArray::number(i).rightJustified(6, '0'));
        };
        const auto isAcme = [](int i) { return i % 1000 == 3; };
        const auto statusOf = [](int i) -> QByteArray {
            return i % 500 == 0 ? "failed" : i % 97 == 0 ? "queued" : "finished";
        };
        QElapsedTimer timer;
        timer.start();
        QList<RedisCommand> commands;
        for (int i = 0; i < kJobs; ++i) {
            const QByteArray id = idOf(i);
            const QByteArray status = statusOf(i);
            commands.append({"HSET", keys::job(id), "status", status, "type",
                             isAcme(i) ? "url" : "text", "tenant", isAcme(i) ? "acme" : "default",
                             "source", "bulk", "created_at", "2024-01-01 00:00:00.000"});
            commands.append({"ZADD", keys::kIndex, QByteArray::number(1000000 + i), id});
            if (status == "queued")
                commands.append({"RPUSH", keys::kQueue, id});
            else
                commands.append({"ZADD",
                                 status == "failed" ? keys::kEndedFailed : keys::kEndedFinished,
                                 QByteArray::number(i), id});
            if (commands.size() >= 6000 || i == kJobs - 1) {
                redis().pipeline(commands);
                commands.clear();
            }
        }
        qInfo("created %d jobs in %lld ms", kJobs, qint64(timer.elapsed()));

        QList<QByteArray> newest, failed, queued, acme, acmeFinished;
        for (int i = kJobs - 1; i >= 0; --i) {
            if (newest.size() < 50)
                newest.append(idOf(i));
            if (statusOf(i) == "failed")
                failed.append(idOf(i));
            if (statusOf(i) == "queued")
                queued.append(idOf(i));
            if (isAcme(i))
                acme.append(idOf(i));
            if (isAcme(i) && statusOf(i) == "finished")
                acmeFinished.append(idOf(i));
        }

        timer.restart();
        const JobListPage page = m_admin->list({});
        QCOMPARE(idsOf(page), newest);
        QVERIFY(page.next && page.next->createdMs == 1000000 + kJobs - 50);
        QCOMPARE(idsOf(m_admin->list({"failed", {}, {}, 500, {}})), failed);
        int calls = 0;
        QCOMPARE(listAll({"queued", {}, {}, 500, {}}, &calls), queued);
        QCOMPARE(calls, 3);
        qInfo("status listings took %lld ms", qint64(timer.elapsed()));
        timer.restart();
        QCOMPARE(m_admin->list({"finished", {}, {}, 50, {}}).jobs.size(), 50);
        qInfo("finished page took %lld ms", qint64(timer.elapsed()));

        // Rare matches: each call reads at most kScanCap candidates and hands
        // back a cursor, so the client walks the index in bounded steps.
        timer.restart();
        const JobListPage firstAcme = m_admin->list({{}, {}, QStringLiteral("acme"), 50, {}});
        QCOMPARE(firstAcme.jobs.size(), JobListing::kScanCap / 1000);
        QVERIFY(firstAcme.next);
        QCOMPARE(listAll({{}, {}, QStringLiteral("acme"), 50, {}}, &calls), acme);
        QCOMPARE(calls, kJobs / JobListing::kScanCap);
        QCOMPARE(listAll({"finished", "url", QStringLiteral("acme"), 50, {}}), acmeFinished);
        qInfo("filtered walks took %lld ms", qint64(timer.elapsed()));
    }

    void theQueueStateShowsCountsAndWorkers()
    {
        auto workers = pool();
        workers->start();
        QTRY_COMPARE_WITH_TIMEOUT(m_admin->state().workers.size(), 1, 5000);
        const WorkerState worker = m_admin->state().workers.first();
        QVERIFY(worker.name.startsWith(WorkerPool::processName()));
        QVERIFY(!worker.host.isEmpty());
        QCOMPARE(worker.pid, QCoreApplication::applicationPid());
        QVERIFY(worker.heartbeatAgeMs && *worker.heartbeatAgeMs < 5000);

        const QByteArray done = m_queue->enqueue(textJob("quick"));
        QCOMPARE(waitForEnd(done).value("status"), QByteArray("finished"));
        const QByteArray running = m_queue->enqueue(textJob("sleep:20000", QStringLiteral("acme")));
        QTRY_COMPARE_WITH_TIMEOUT(status(running), QByteArray("started"), 5000);
        m_queue->enqueue(textJob("waiting", QStringLiteral("default"), "low"));
        const QByteArray canceled = m_queue->enqueue(textJob("canceled"));
        m_admin->cancel(canceled);

        const QueueState state = m_admin->state();
        QVERIFY(!state.paused);
        QCOMPARE(state.queuedLow, 1);
        QCOMPARE(state.queuedDefault, 0);
        QCOMPARE(state.started, 1);
        QCOMPARE(state.finished, 1);
        QCOMPARE(state.canceled, 1);
        QCOMPARE(state.jobsPerMinute, 1);
        QCOMPARE(state.workers.first().currentJob, running);
        QCOMPARE(state.workers.first().currentJobTenant, QStringLiteral("acme"));
        m_admin->cancel(running);
        QCOMPARE(waitForEnd(running).value("status"), QByteArray("canceled"));
    }

    void aPausedQueueIsNotTakenUntilResumed()
    {
        m_admin->setPaused(true);
        QVERIFY(m_admin->state().paused);
        auto workers = pool();
        workers->start();
        const QByteArray id = m_queue->enqueue(textJob("patient"));
        QTest::qWait(1500);
        QCOMPARE(status(id), QByteArray("queued"));
        m_admin->setPaused(false);
        QVERIFY(!m_admin->state().paused);
        QCOMPARE(waitForEnd(id, 5000).value("status"), QByteArray("finished"));
    }
};

QTEST_GUILESS_MAIN(TestJobAdmin)
#include "tst_jobadmin.moc"
