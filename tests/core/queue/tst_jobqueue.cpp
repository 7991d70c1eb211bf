// The queue against a real redis-server: enqueue, take, finish, fail, expiry,
// priorities, retries with backoff, timeouts, cancel, graceful hand-back,
// idempotency keys and outage behaviour. A small JobHandler of the test's own
// stands in for the ingest pipeline (the queue's contract is the handler
// interface; the pipeline runs end to end in tests/e2e).
#include "base/ingesterror.h"
#include "queue/jobqueue.h"
#include "queue/rediskeys.h"
#include "queue/settlement.h"
#include "queue/workerpool.h"
#include "redisprocess.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>
#include <atomic>

using namespace aether;

namespace {

// Behaviour by the job's text: "sleep:N" works N ms (checking its token),
// "fail" fails for good, "flaky:N" fails transiently on its first N attempts,
// "hang:N" works N ms ignoring its token, anything else succeeds at once.
class ScriptedHandler : public JobHandler
{
public:
    ScriptedHandler(std::atomic_int *running, std::atomic_int *peak, QList<QByteArray> *order,
                    QMutex *orderLock)
        : m_running(running), m_peak(peak), m_order(order), m_orderLock(orderLock)
    {}

    void store(const QList<PreparedJob *> &) override {}

    std::unique_ptr<PreparedJob> prepare(const JobContext &job) override
    {
        {
            QMutexLocker locker(m_orderLock);
            m_order->append(job.fields.value("text"));
        }
        const int now = ++*m_running;
        int peak = m_peak->load();
        while (now > peak && !m_peak->compare_exchange_weak(peak, now)) {
        }
        struct Leave
        {
            std::atomic_int *running;
            ~Leave() { --*running; }
        } leave{m_running};
        const QByteArray text = job.fields.value("text");
        if (text.startsWith("stages:")) {
            job.progress("chunking", 40);
            job.progress("embedding", 60);
        }
        job.progress("embedding", 50);
        if (text.startsWith("stages:"))
            job.progress("storing", 90);
        if (text.startsWith("sleep:")) {
            QElapsedTimer timer;
            timer.start();
            while (timer.elapsed() < text.mid(6).toInt()) {
                job.cancel.check();
                QThread::msleep(5);
            }
        }
        if (text.startsWith("hang:"))
            QThread::msleep(text.mid(5).toUInt());
        if (text == "fail")
            throw IngestError(QStringLiteral("ValueError"), QStringLiteral("asked to fail"));
        if (text.startsWith("flaky:") &&
            job.fields.value("attempts").toInt() <= text.mid(6).toInt())
            throw IngestError(QStringLiteral("HTTPError"),
                              QStringLiteral("503 Service Unavailable"),
                              IngestError::Retry::Transient);
        auto prepared = std::make_unique<PreparedJob>();
        prepared->result = {{QStringLiteral("ok"), true},
                            {QStringLiteral("ingested_chunks"), 1},
                            {QStringLiteral("job"), QString::fromLatin1(job.id)},
                            {QStringLiteral("blob_size"), job.blob.size()}};
        return prepared;
    }

private:
    std::atomic_int *m_running;
    std::atomic_int *m_peak;
    QList<QByteArray> *m_order;
    QMutex *m_orderLock;
};

JobRequest textJob(const QByteArray &text, const QByteArray &priority = "default")
{
    JobRequest request;
    request.type = JobType::Text;
    request.tenant = QStringLiteral("default");
    request.source = QStringLiteral("docs");
    request.text = QString::fromUtf8(text);
    request.priority = priority;
    return request;
}

} // namespace

class TestJobQueue : public QObject
{
    Q_OBJECT

private:
    RedisUrl url() const
    {
        QString error;
        return *RedisUrl::parse(m_redis.url(), &error);
    }

    std::unique_ptr<WorkerPool> pool(int workers, int resultTtl = 500, int failureTtl = 500,
                                     int backoffMs = 100, int maxRecoveries = 2)
    {
        PoolOptions options;
        options.supervisor.maxRecoveries = maxRecoveries;
        options.workerCount = workers;
        options.worker.resultTtlSec = resultTtl;
        options.worker.failureTtlSec = failureTtl;
        options.worker.retryBackoffMs = backoffMs;
        options.supervisor.failureTtlSec = failureTtl;
        options.supervisor.watchdogGraceMs = 500;
        return std::make_unique<WorkerPool>(url(), options, [this] {
            return std::make_unique<ScriptedHandler>(&m_running, &m_peak, &m_order, &m_orderLock);
        });
    }

    JobFields waitForEnd(JobQueue &queue, const QByteArray &id, int timeoutMs = 15000)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < timeoutMs) {
            const auto fields = queue.fetch(id);
            const QByteArray status = fields ? fields->value("status") : QByteArray();
            if (status == "finished" || status == "failed" || status == "canceled")
                return *fields;
            QTest::qWait(10); // the pool replaces abandoned workers from the event loop
        }
        return {};
    }

    // A registry score in seconds, as RQ scores its registries.
    double scoreOf(JobQueue &queue, const QByteArray &registry, const QByteArray &id)
    {
        return queue.connection().command({"ZSCORE", registry, id}).string().toDouble();
    }

    static double nowSec() { return QDateTime::currentMSecsSinceEpoch() / 1000.0; }

    // RQ's timestamp format, %Y-%m-%dT%H:%M:%S.%fZ.
    static bool isRqTimestamp(const QByteArray &stamp)
    {
        static const QRegularExpression format(
            QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z$"));
        return format.match(QString::fromLatin1(stamp)).hasMatch();
    }

    QByteArray status(JobQueue &queue, const QByteArray &id)
    {
        return queue.fetch(id).value_or(JobFields()).value("status");
    }

    test::RedisProcess m_redis;
    std::atomic_int m_running{0};
    std::atomic_int m_peak{0};
    QList<QByteArray> m_order;
    QMutex m_orderLock;

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText())); }
    void init()
    {
        m_redis.command({"FLUSHALL"});
        m_peak = 0;
        m_order.clear();
    }

    void enqueueStoresTheHashAndQueuesTheId()
    {
        JobQueue queue(url());
        const QByteArray id = queue.enqueue(textJob("hello"));
        QCOMPARE(queue.queuedCount(), 1);
        const auto fields = queue.fetch(id);
        QVERIFY(fields.has_value());
        QCOMPARE(fields->value("status"), QByteArray("queued"));
        QCOMPARE(fields->value("type"), QByteArray("text"));
        QCOMPARE(fields->value("text"), QByteArray("hello"));
        QCOMPARE(fields->value("priority"), QByteArray("default"));
        QCOMPARE(fields->value("max_attempts"), QByteArray("3"));
        // Counters start absent (read as 0): past 16 fields Redis grows the
        // hash's table, which cost every enqueue about 3 us (jobqueue.cpp).
        QVERIFY(!fields->contains("attempts") && !fields->contains("progress"));
        QVERIFY2(fields->size() <= 16, QByteArray::number(fields->size()));
        QVERIFY(fields->value("enqueued_at").size() >= 19);
        QVERIFY(m_redis.command({"LRANGE", keys::kQueue, "0", "-1"}).contains(id));
        QVERIFY(m_redis.command({"ZSCORE", keys::kIndex, id}).size() > 5);
        // RQ's fields: Job.fetch loads the job.
        QVERIFY2(isRqTimestamp(fields->value("created_at")), fields->value("created_at"));
        QCOMPARE(fields->value("enqueued_at"), fields->value("created_at"));
        QCOMPARE(fields->value("origin"), QByteArray("ingest"));
        QCOMPARE(fields->value("description"), QByteArray("hello")); // the job's name
        QVERIFY(fields->value("data").startsWith("\x80\x02"));
        QCOMPARE(fields->value("result_ttl"), QByteArray("500"));
        QCOMPARE(fields->value("failure_ttl"), QByteArray::number(7 * 24 * 3600));
        QList<QByteArray> queues = queue.connection().command({"SMEMBERS", "rq:queues"}).strings();
        std::sort(queues.begin(), queues.end());
        QCOMPARE(queues, (QList<QByteArray>{"rq:queue:ingest", "rq:queue:ingest:high",
                                            "rq:queue:ingest:low"}));
        JobRequest high = textJob("urgent");
        high.priority = "high";
        QCOMPARE(queue.fetch(queue.enqueue(high))->value("origin"), QByteArray("ingest:high"));
    }

    void workersRegisterAsRqWorkers()
    {
        JobQueue queue(url());
        auto workers = pool(2);
        workers->start();
        QTRY_COMPARE_WITH_TIMEOUT(queue.connection().command({"SCARD", "rq:workers"}).integer(), 2,
                                  5000);
        QList<QByteArray> names = queue.connection().command({"SMEMBERS", "rq:workers"}).strings();
        for (const char *queueName : {"ingest", "ingest:high", "ingest:low"}) {
            QList<QByteArray> members =
                queue.connection()
                    .command({"SMEMBERS", QByteArray("rq:workers:") + queueName})
                    .strings();
            std::sort(members.begin(), members.end());
            std::sort(names.begin(), names.end());
            QCOMPARE(members, names);
        }
        for (const QByteArray &key : std::as_const(names)) {
            QVERIFY2(key.startsWith(keys::worker(WorkerPool::processName())), key.constData());
            const JobFields worker = queue.connection().command({"HGETALL", key}).hash();
            QVERIFY2(isRqTimestamp(worker.value("birth")), worker.value("birth"));
            QVERIFY(isRqTimestamp(worker.value("last_heartbeat")));
            QCOMPARE(worker.value("queues"), QByteArray("ingest:high,ingest,ingest:low"));
            QCOMPARE(worker.value("state"), QByteArray("idle"));
            QCOMPARE(worker.value("pid"), QByteArray::number(QCoreApplication::applicationPid()));
            QVERIFY(!worker.value("hostname").isEmpty());
            QCOMPARE(worker.value("successful_job_count"), QByteArray("0"));
            QVERIFY(queue.connection().command({"TTL", key}).integer() > 0);
        }
        const JobFields done = waitForEnd(queue, queue.enqueue(textJob("ok")));
        QCOMPARE(done.value("status"), QByteArray("finished"));
        // The heartbeat (every second) writes RQ's counters.
        QTRY_COMPARE_WITH_TIMEOUT(
            queue.connection()
                .command({"HGET", keys::worker(done.value("worker_name")), "successful_job_count"})
                .string(),
            QByteArray("1"), 5000);
        // A clean exit unregisters them (RQ's register_death).
        workers->stop(1000);
        QCOMPARE(queue.connection().command({"SCARD", "rq:workers"}).integer(), 0);
        QCOMPARE(queue.connection().command({"SCARD", "rq:workers:ingest"}).integer(), 0);
        for (const QByteArray &key : std::as_const(names))
            QCOMPARE(queue.connection().command({"EXISTS", key}).integer(), 0);
    }

    void fileBytesLiveUnderTheBlobKeyUntilTheJobFinishes()
    {
        JobQueue queue(url());
        JobRequest request = textJob({});
        request.type = JobType::File;
        request.fileName = QStringLiteral("a.bin");
        request.fileBytes = QByteArray("\0\1\2binary\r\n", 11);
        const QByteArray id = queue.enqueue(request);
        QCOMPARE(queue.connection().command({"GET", keys::blob(id)}).string(), request.fileBytes);
        auto workers = pool(1);
        workers->start();
        const JobFields done = waitForEnd(queue, id);
        QCOMPARE(done.value("status"), QByteArray("finished"));
        QCOMPARE(
            QJsonDocument::fromJson(done.value("result_json")).object().value("blob_size").toInt(),
            11);
        QVERIFY(queue.connection().command({"GET", keys::blob(id)}).isNull());
    }

    void workersFinishAndRecordResults()
    {
        JobQueue queue(url());
        auto workers = pool(2);
        workers->start();
        const QByteArray id = queue.enqueue(textJob("ok"));
        const JobFields done = waitForEnd(queue, id);
        QCOMPARE(done.value("status"), QByteArray("finished"));
        QVERIFY(done.value("ended_at") >= done.value("started_at"));
        QCOMPARE(done.value("attempts"), QByteArray("1"));
        QCOMPARE(done.value("progress"), QByteArray("100"));
        QVERIFY(done.value("worker_name").startsWith(WorkerPool::processName()));
        const QJsonArray history = QJsonDocument::fromJson(done.value("history")).array();
        QCOMPARE(history.size(), 1);
        QCOMPARE(history[0].toObject().value("outcome").toString(), QStringLiteral("finished"));
        const double ended = scoreOf(queue, keys::kEndedFinished, id);
        QVERIFY(ended > nowSec() - 60 && ended <= nowSec());
        // RQ's registry: expiry time = end + RESULT_TTL, in seconds.
        QCOMPARE(scoreOf(queue, keys::kRqFinished, id), ended + 500);
        QVERIFY(isRqTimestamp(done.value("ended_at")) && isRqTimestamp(done.value("started_at")));
        QVERIFY(done.value("result").startsWith("\x80\x02")); // pickled; tst_pickle decodes one
        QVERIFY(QJsonDocument::fromJson(done.value("result_json")).isObject());
        const long long ttl = queue.connection().command({"TTL", keys::job(id)}).integer();
        QVERIFY(ttl > 0 && ttl <= 500);
        QCOMPARE(queue.connection().command({"ZCARD", keys::kLeases}).integer(), 0);
        QCOMPARE(queue.connection().command({"ZCARD", keys::kRqStarted}).integer(), 0);
        QCOMPARE(queue.connection()
                     .command({"LLEN", keys::processing(done.value("worker_name"))})
                     .integer(),
                 0);
    }

    void permanentFailuresFailAtOnceInTheSeedsForm()
    {
        JobQueue queue(url());
        auto workers = pool(1, 500, 3600);
        workers->start();
        const QByteArray id = queue.enqueue(textJob("fail"));
        const JobFields done = waitForEnd(queue, id);
        QCOMPARE(done.value("status"), QByteArray("failed"));
        QCOMPARE(done.value("error"), QByteArray("ValueError: asked to fail"));
        QCOMPARE(done.value("attempts"), QByteArray("1"));
        QCOMPARE(queue.connection().command({"LRANGE", keys::kFailedList, "0", "-1"}).strings(),
                 QList<QByteArray>{id});
        const long long ttl = queue.connection().command({"TTL", keys::job(id)}).integer();
        QVERIFY(ttl > 500 && ttl <= 3600);
        QCOMPARE(done.value("exc_info"), done.value("error"));
        QCOMPARE(scoreOf(queue, keys::kRqFailed, id),
                 scoreOf(queue, keys::kEndedFailed, id) + 3600);
    }

    void transientFailuresAreRetriedWithBackoff()
    {
        JobQueue queue(url());
        auto workers = pool(1, 500, 500, 200);
        workers->start();
        const QByteArray id = queue.enqueue(textJob("flaky:2"));
        QTRY_COMPARE_WITH_TIMEOUT(status(queue, id), QByteArray("scheduled"), 5000);
        QVERIFY(!queue.fetch(id)->value("retry_at").isEmpty());
        const double retryAt = scoreOf(queue, keys::kRqScheduled, id); // seconds, as RQ's
        QVERIFY2(retryAt > nowSec() - 5 && retryAt < nowSec() + 5, QByteArray::number(retryAt));
        const JobFields done = waitForEnd(queue, id);
        QCOMPARE(done.value("status"), QByteArray("finished"));
        QCOMPARE(done.value("attempts"), QByteArray("3"));
        const QJsonArray history = QJsonDocument::fromJson(done.value("history")).array();
        QCOMPARE(history.size(), 3);
        QCOMPARE(history[0].toObject().value("outcome").toString(), QStringLiteral("scheduled"));
        QCOMPARE(history[0].toObject().value("error").toString(),
                 QStringLiteral("HTTPError: 503 Service Unavailable"));
        QCOMPARE(history[2].toObject().value("outcome").toString(), QStringLiteral("finished"));
    }

    void retriesStopAtMaxAttempts()
    {
        JobQueue queue(url());
        auto workers = pool(1, 500, 500, 50);
        workers->start();
        JobRequest request = textJob("flaky:9");
        request.maxAttempts = 2;
        const JobFields done = waitForEnd(queue, queue.enqueue(request));
        QCOMPARE(done.value("status"), QByteArray("failed"));
        QCOMPARE(done.value("attempts"), QByteArray("2"));
        QCOMPARE(done.value("error"), QByteArray("HTTPError: 503 Service Unavailable"));
    }

    void backoffGrowsExponentiallyWithJitter()
    {
        QCOMPARE(JobOutcome::backoffMs(1, 1000, 0), 1000);
        QCOMPARE(JobOutcome::backoffMs(2, 1000, 0), 2000);
        QCOMPARE(JobOutcome::backoffMs(3, 1000, 0), 4000);
        QCOMPARE(JobOutcome::backoffMs(2, 1000, 1), 2500);
        QCOMPARE(JobOutcome::backoffMs(2, 1000, -1), 1500);
    }

    void timeoutsEndTheJob()
    {
        JobQueue queue(url());
        auto workers = pool(1);
        workers->start();
        JobRequest request = textJob("sleep:10000");
        request.timeoutSec = 1;
        const JobFields done = waitForEnd(queue, queue.enqueue(request));
        QCOMPARE(done.value("status"), QByteArray("failed"));
        QCOMPARE(done.value("error"), QByteArray("JobTimeoutError: job exceeded 1 s"));
    }

    void theWatchdogEndsAJobThatIgnoresItsTimeout()
    {
        JobQueue queue(url());
        auto workers = pool(1);
        workers->start();
        JobRequest request = textJob("hang:8000");
        request.timeoutSec = 1;
        const QByteArray id = queue.enqueue(request);
        QElapsedTimer timer;
        timer.start();
        const JobFields done = waitForEnd(queue, id);
        QCOMPARE(done.value("error"), QByteArray("JobTimeoutError: job exceeded 1 s"));
        QVERIFY(timer.elapsed() < 7000); // ended by the watchdog, not by the job (8 s)
        // A fresh worker took the stuck one's place and keeps serving.
        QCOMPARE(waitForEnd(queue, queue.enqueue(textJob("after"))).value("status"),
                 QByteArray("finished"));
        QCOMPARE(workers->size(), 1);
    }

    void higherPrioritiesAreTakenFirst()
    {
        JobQueue queue(url());
        queue.enqueue(textJob("low-1", "low"));
        queue.enqueue(textJob("default-1"));
        queue.enqueue(textJob("high-1", "high"));
        queue.enqueue(textJob("low-2", "low"));
        const QByteArray last = queue.enqueue(textJob("high-2", "high"));
        QCOMPARE(m_redis.command({"LLEN", "rq:queue:ingest:high"}), QByteArray(":2\r\n"));
        auto workers = pool(1);
        workers->start();
        QTRY_COMPARE_WITH_TIMEOUT(m_order.size(), 5, 5000);
        QCOMPARE(m_order, (QList<QByteArray>{"high-1", "high-2", "default-1", "low-1", "low-2"}));
        Q_UNUSED(last);
    }

    void anIdleWorkerStartsANewJobAtOnce()
    {
        JobQueue queue(url());
        auto workers = pool(1);
        workers->start();
        QThread::msleep(300); // idle, blocked on the wake list
        QList<qint64> delays;
        for (int i = 0; i < 5; ++i) {
            QElapsedTimer timer;
            timer.start();
            const QByteArray id = queue.enqueue(textJob("quick"));
            while (status(queue, id) == "queued" && timer.elapsed() < 2000)
                QThread::usleep(500);
            delays.append(timer.elapsed());
            waitForEnd(queue, id);
        }
        std::sort(delays.begin(), delays.end());
        qInfo("start delays of an idle worker: %lld ms (median), %lld ms (longest)", delays[2],
              delays[4]);
        // Woken through the wake list, a worker starts in a millisecond or two;
        // without it, it would wait out its 1 s BLPOP. The bound leaves room
        // for a loaded machine.
        QVERIFY2(delays[2] < 250,
                 qPrintable(QStringLiteral("median start delay %1 ms").arg(delays[2])));
    }

    void cancelingAStartedJobStopsIt()
    {
        JobQueue queue(url());
        auto workers = pool(1);
        workers->start();
        const QByteArray id = queue.enqueue(textJob("sleep:20000"));
        QTRY_COMPARE_WITH_TIMEOUT(status(queue, id), QByteArray("started"), 5000);
        // RQ's StartedJobRegistry: now + timeout (600) + 60 s.
        const double startedExpiry = scoreOf(queue, keys::kRqStarted, id);
        QVERIFY2(startedExpiry > nowSec() + 600 && startedExpiry < nowSec() + 661,
                 QByteArray::number(startedExpiry));
        QTRY_VERIFY_WITH_TIMEOUT(
            isRqTimestamp(queue.connection()
                              .command({"HGET", keys::worker(queue.fetch(id)->value("worker_name")),
                                        "last_heartbeat"})
                              .string()),
            3000);
        QCOMPARE(
            queue.connection()
                .command({"HGET", keys::worker(queue.fetch(id)->value("worker_name")), "state"})
                .string(),
            QByteArray("busy"));
        queue.connection().command({"HSET", keys::job(id), "cancel_requested", "1"});
        const JobFields done = waitForEnd(queue, id, 5000);
        QCOMPARE(done.value("status"), QByteArray("canceled"));
        const double canceled = scoreOf(queue, keys::kEndedCanceled, id);
        QVERIFY(canceled > nowSec() - 60);
        QCOMPARE(scoreOf(queue, keys::kRqCanceled, id), canceled); // RQ: the cancel time
        QCOMPARE(queue.connection().command({"ZCARD", keys::kRqStarted}).integer(), 0);
    }

    void gracefulStopHandsRunningJobsBack()
    {
        JobQueue queue(url());
        auto workers = pool(1);
        workers->start();
        const QByteArray id = queue.enqueue(textJob("sleep:20000"));
        QTRY_COMPARE_WITH_TIMEOUT(status(queue, id), QByteArray("started"), 5000);
        QElapsedTimer timer;
        timer.start();
        workers->stop(200);
        QVERIFY(timer.elapsed() < 3000);
        const JobFields fields = *queue.fetch(id);
        QCOMPARE(fields.value("status"), QByteArray("queued"));
        QCOMPARE(fields.value("attempts"), QByteArray("0")); // a hand-back is not an attempt
        QCOMPARE(m_redis.command({"LINDEX", keys::kQueue, "0"}).contains(id), true);
        QCOMPARE(queue.connection().command({"ZCARD", keys::kLeases}).integer(), 0);
    }

    void theFencingTokenGrowsWithEveryTake()
    {
        JobQueue queue(url());
        const QByteArray id = queue.enqueue(textJob("sleep:1500"));
        {
            auto first = pool(1);
            first->start();
            QTRY_COMPARE_WITH_TIMEOUT(status(queue, id), QByteArray("started"), 5000);
            first->stop(0); // handed back: the attempt is taken back, the token is not
        }
        JobFields fields = *queue.fetch(id);
        QCOMPARE(fields.value("attempts"), QByteArray("0"));
        QCOMPARE(fields.value("fence"), QByteArray("1"));
        auto second = pool(1);
        second->start();
        fields = waitForEnd(queue, id);
        QCOMPARE(fields.value("status"), QByteArray("finished"));
        QCOMPARE(fields.value("attempts"), QByteArray("1"));
        QCOMPARE(fields.value("fence"), QByteArray("2"));
    }

    void aWorkerWhoseHandlerCannotBeMadeYetTriesAgain()
    {
        JobQueue queue(url());
        const QByteArray id = queue.enqueue(textJob("after a locked start"));
        std::atomic_int tries{0};
        PoolOptions options;
        WorkerPool workers(url(), options, [this, &tries]() -> std::unique_ptr<JobHandler> {
            if (++tries < 3)
                throw std::runtime_error("store: database is locked");
            return std::make_unique<ScriptedHandler>(&m_running, &m_peak, &m_order, &m_orderLock);
        });
        workers.start();
        QCOMPARE(waitForEnd(queue, id).value("status"), QByteArray("finished"));
        QCOMPARE(tries.load(), 3);
        workers.stop(0);
    }

    void theReaperTakesBackJobsOfDeadWorkers()
    {
        JobQueue queue(url());
        const QByteArray id = queue.enqueue(textJob("orphan"));
        // A worker that took the job and died: its key is gone, its lease ran out.
        queue.connection().pipeline(
            {{"LMOVE", keys::kQueue, keys::processing("ghost.1.1"), "LEFT", "RIGHT"},
             {"ZADD", keys::kLeases, "1", id},
             {"HSET", keys::job(id), "status", "started", "worker_name", "ghost.1.1"}});
        auto workers = pool(1);
        workers->start();
        const JobFields done = waitForEnd(queue, id, 10000);
        QCOMPARE(done.value("status"), QByteArray("finished"));
        QCOMPARE(done.value("recoveries"), QByteArray("1"));
        QCOMPARE(queue.connection().command({"LLEN", keys::processing("ghost.1.1")}).integer(), 0);
    }

    void thePoisonCapFailsJobsAbandonedTooOften_data()
    {
        QTest::addColumn<int>("maxRecoveries");
        QTest::addColumn<QByteArray>("status");
        QTest::newRow("default cap of 2") << 2 << QByteArray("failed");
        QTest::newRow("MAX_RECOVERIES=3") << 3 << QByteArray("finished");
    }

    void thePoisonCapFailsJobsAbandonedTooOften()
    {
        QFETCH(int, maxRecoveries);
        QFETCH(QByteArray, status);
        JobQueue queue(url());
        const QByteArray id = queue.enqueue(textJob("poison"));
        // Taken back twice already; its worker died again.
        queue.connection().pipeline(
            {{"LMOVE", keys::kQueue, keys::processing("ghost.1.1"), "LEFT", "RIGHT"},
             {"ZADD", keys::kLeases, "1", id},
             {"HSET", keys::job(id), "status", "started", "worker_name", "ghost.1.1", "recoveries",
              "2", "stage", "extracting"}});
        auto workers = pool(1, 500, 500, 100, maxRecoveries);
        workers->start();
        const JobFields done = waitForEnd(queue, id, 10000);
        QCOMPARE(done.value("status"), status);
        if (status == "failed")
            QVERIFY2(done.value("error").startsWith("AbandonedJobError: "),
                     done.value("error").constData());
        else
            QCOMPARE(done.value("recoveries"), QByteArray("3"));
    }

    // Every stage of a job is reported (a write and an event each), except
    // for a short text, done in milliseconds: only its first.
    void aShortTextReportsOnlyItsFirstStage()
    {
        JobQueue queue(url());
        const QByteArray shortText = queue.enqueue(textJob("stages: a few words"));
        const QByteArray longText = queue.enqueue(textJob("stages: " + QByteArray(65 * 1024, 'x')));
        auto workers = pool(1);
        workers->start();
        QCOMPARE(waitForEnd(queue, shortText).value("status"), QByteArray("finished"));
        QCOMPARE(waitForEnd(queue, longText).value("status"), QByteArray("finished"));
        const auto stagesOf = [&](const QByteArray &id) {
            QStringList stages;
            const RedisReply log =
                queue.connection().command({"XRANGE", keys::kEventLog, "-", "+"});
            for (qsizetype i = 0; i < log.size(); ++i) {
                const QJsonObject event =
                    QJsonDocument::fromJson(log.element(i).element(1).element(1).string()).object();
                if (event.value("job_id").toString() == QLatin1String(id) &&
                    event.contains("stage"))
                    stages.append(event.value("stage").toString());
            }
            return stages;
        };
        QCOMPARE(stagesOf(shortText), QStringList{QStringLiteral("chunking")});
        QCOMPARE(stagesOf(longText),
                 (QStringList{QStringLiteral("chunking"), QStringLiteral("embedding"),
                              QStringLiteral("storing")}));
        workers->stop(0);
    }

    void idempotencyKeysNameOneJob()
    {
        JobQueue queue(url());
        const QByteArray first =
            queue.claimIdempotencyKey(QStringLiteral("acme"), "order-42", "job-a");
        const QByteArray again =
            queue.claimIdempotencyKey(QStringLiteral("acme"), "order-42", "job-b");
        const QByteArray otherTenant =
            queue.claimIdempotencyKey(QStringLiteral("globex"), "order-42", "job-c");
        QCOMPARE(first, QByteArray("job-a"));
        QCOMPARE(again, QByteArray("job-a"));
        QCOMPARE(otherTenant, QByteArray("job-c"));
        const QByteArray ttl = m_redis.command(
            {"TTL", keys::idempotency(
                        "acme",
                        QCryptographicHash::hash("order-42", QCryptographicHash::Sha256).toHex())});
        QVERIFY2(ttl.mid(1).trimmed().toInt() > 86000, ttl.constData());
    }

    void thePoolRunsJobsConcurrently()
    {
        JobQueue queue(url());
        auto workers = pool(4);
        workers->start();
        QList<QByteArray> ids;
        for (int i = 0; i < 8; ++i)
            ids.append(queue.enqueue(textJob("sleep:300")));
        for (const QByteArray &id : ids)
            QCOMPARE(waitForEnd(queue, id).value("status"), QByteArray("finished"));
        QCOMPARE(m_peak.load(), 4);
    }

    void eachJobRunsOnceAcrossWorkers()
    {
        JobQueue queue(url());
        auto workers = pool(3);
        workers->start();
        QList<JobRequest> batch;
        for (int i = 0; i < 200; ++i)
            batch.append(textJob("ok"));
        for (const QByteArray &id : queue.enqueueBatch(batch))
            QCOMPARE(waitForEnd(queue, id).value("attempts"), QByteArray("1"));
    }

    void finishedJobsExpireAfterTheirTtl()
    {
        JobQueue queue(url());
        auto workers = pool(1, 1, 1);
        workers->start();
        const QByteArray finished = queue.enqueue(textJob("ok"));
        const QByteArray failed = queue.enqueue(textJob("fail"));
        QVERIFY(!waitForEnd(queue, finished).isEmpty());
        QVERIFY(!waitForEnd(queue, failed).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(
            !queue.fetch(finished).has_value() && !queue.fetch(failed).has_value(), 5000);
    }

    void registriesAndTheIndexStayBounded()
    {
        // Entries older than their TTL are trimmed as new jobs come and go, so
        // Redis memory does not grow with the number of jobs ever run.
        JobQueue queue(url(), 60 * 1000);
        QList<RedisCommand> old;
        for (int i = 0; i < 1000; ++i) {
            const QByteArray id = "old-" + QByteArray::number(i);
            old.append({"ZADD", keys::kEndedFinished, "1000", id});
            old.append({"ZADD", keys::kEndedFailed, "1000", id});
            old.append({"ZADD", keys::kIndex, "1000", id});
            old.append({"ZADD", keys::kRqFinished, "1000", id}); // expired long ago, as RQ sees it
            old.append({"ZADD", keys::kRqFailed, "1000", id});
        }
        queue.connection().pipeline(old);
        auto workers = pool(1, 500, 500);
        workers->start();
        QCOMPARE(waitForEnd(queue, queue.enqueue(textJob("ok"))).value("status"),
                 QByteArray("finished"));
        QCOMPARE(waitForEnd(queue, queue.enqueue(textJob("fail"))).value("status"),
                 QByteArray("failed"));
        QCOMPARE(queue.connection().command({"ZCARD", keys::kEndedFinished}).integer(), 1);
        QCOMPARE(queue.connection().command({"ZCARD", keys::kEndedFailed}).integer(), 1);
        QCOMPARE(queue.connection().command({"ZCARD", keys::kIndex}).integer(), 2);
        QCOMPARE(queue.connection().command({"ZCARD", keys::kRqFinished}).integer(), 1);
        QCOMPARE(queue.connection().command({"ZCARD", keys::kRqFailed}).integer(), 1);
    }

    // A worker's outcomes go in one script call; each is judged alone: one
    // whose job key is not a hash fails with its error and is left as it was,
    // the others are recorded; a corrupt history does not stop an outcome.
    void oneBadAttemptInABatchedSettleSparesTheOthers()
    {
        JobQueue queue(url());
        RedisConnection &redis = queue.connection();
        const QByteArray worker = "settle-test.1";
        QList<QPair<Settlement, JobOutcome>> attempts;
        for (const QByteArray id : {"s-good-1", "s-bad", "s-good-2"}) {
            if (id == "s-bad")
                redis.command({"SET", keys::job(id), "not a hash"});
            else
                redis.command({"HSET", keys::job(id), "status", "started", "tenant", "default",
                               "type", "text", "history", id == "s-good-1" ? "{not json" : "[]"});
            redis.command({"RPUSH", keys::processing(worker), id});
            attempts.append({Settlement{worker, id, 1, "2026-12-04T10:00:00.000000Z", 500, 3600},
                             JobOutcome{JobOutcome::Kind::Finished, QJsonObject{}, {}, 0}});
        }
        QCOMPARE(settleAttempts(redis, attempts), (QList<bool>{true, false, true}));
        QCOMPARE(redis.command({"HGET", keys::job("s-good-2"), "status"}).string(),
                 QByteArray("finished"));
        QCOMPARE(redis.command({"HGET", keys::job("s-good-1"), "status"}).string(),
                 QByteArray("finished"));
        QCOMPARE(redis.command({"LRANGE", keys::processing(worker), "0", "-1"}).strings(),
                 QList<QByteArray>{"s-bad"});
    }

    // RQ's cleanup failed the job while an Aether worker ran it: the worker's
    // outcome stands and RQ's failed registry lets the job go.
    void aSettleTakesBackAJobRqFailedMeanwhile()
    {
        JobQueue queue(url());
        RedisConnection &redis = queue.connection();
        const QByteArray worker = "settle-test.2";
        redis.command({"HSET", keys::job("rq-failed"), "status", "failed", "tenant", "default",
                       "type", "text"});
        redis.command({"ZADD", keys::kRqFailed, "9999999999", "rq-failed"});
        redis.command({"RPUSH", keys::processing(worker), "rq-failed"});
        QCOMPARE(settleAttempts(redis, {{Settlement{worker, "rq-failed", 1, {}, 500, 3600},
                                         JobOutcome{JobOutcome::Kind::Finished, {}, {}, 0}}}),
                 QList<bool>{true});
        QVERIFY(redis.command({"ZSCORE", keys::kRqFailed, "rq-failed"}).isNull());
        QVERIFY(!redis.command({"ZSCORE", keys::kRqFinished, "rq-failed"}).isNull());
    }

    void unknownIdsAreNotFound()
    {
        JobQueue queue(url());
        QVERIFY(!queue.fetch("fake-job-id-999").has_value());
        QVERIFY(!queue.fetch("../../etc").has_value());
    }

    void redisOutageIsAnErrorNotACrashAndRecovers()
    {
        test::RedisProcess spare;
        QVERIFY(spare.start());
        QString error;
        JobQueue queue(*RedisUrl::parse(spare.url(), &error));
        QVERIFY(!queue.enqueue(textJob("before")).isEmpty());
        const quint16 port = spare.port();
        spare.stop();
        try {
            queue.enqueue(textJob("during"));
            QFAIL("enqueue must fail while Redis is away");
        } catch (const RedisUnavailable &unavailable) {
            QVERIFY(unavailable.message().contains(QStringLiteral("127.0.0.1:%1").arg(port)));
        }
        QVERIFY(!queue.connection().ping());
        QVERIFY(spare.restart());
        QElapsedTimer timer;
        timer.start();
        QTRY_VERIFY_WITH_TIMEOUT(queue.connection().ping(), 5000);
        QVERIFY2(timer.elapsed() < 2000, "reconnects within 2 s");
        QVERIFY(!queue.enqueue(textJob("after")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestJobQueue)
#include "tst_jobqueue.moc"
