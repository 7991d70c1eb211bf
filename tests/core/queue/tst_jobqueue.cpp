// The queue against a real redis-server: enqueue, dequeue, finish, fail,
// expiry, concurrency and outage behaviour, with a small JobHandler of the
// test's own standing in for the ingest pipeline (the queue's contract is the
// handler interface; the pipeline is tested end to end elsewhere).
#include "ingest/ingesterror.h"
#include "queue/jobqueue.h"
#include "queue/rediskeys.h"
#include "queue/workerpool.h"
#include "redisprocess.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QTest>
#include <atomic>

using namespace aether;

namespace {

// Sleeps for the job's text as milliseconds ("sleep:200"), fails on "fail",
// and records how many jobs ran at once.
class TimedHandler : public JobHandler
{
public:
    explicit TimedHandler(std::atomic_int *running, std::atomic_int *peak)
        : m_running(running), m_peak(peak)
    {}

    QJsonObject run(const QByteArray &id, const JobFields &fields, const QByteArray &blob) override
    {
        const int now = ++*m_running;
        int peak = m_peak->load();
        while (now > peak && !m_peak->compare_exchange_weak(peak, now)) {
        }
        const QByteArray text = fields.value("text");
        if (text.startsWith("sleep:"))
            QThread::msleep(text.mid(6).toUInt());
        --*m_running;
        if (text == "fail")
            throw IngestError(QStringLiteral("ValueError"), QStringLiteral("asked to fail"));
        return {{QStringLiteral("ok"), true},
                {QStringLiteral("ingested_chunks"), 1},
                {QStringLiteral("job"), QString::fromLatin1(id)},
                {QStringLiteral("blob_size"), blob.size()}};
    }

private:
    std::atomic_int *m_running;
    std::atomic_int *m_peak;
};

JobRequest textJob(const QByteArray &text)
{
    JobRequest request;
    request.type = JobType::Text;
    request.tenant = QStringLiteral("default");
    request.source = QStringLiteral("docs");
    request.text = QString::fromUtf8(text);
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

    std::unique_ptr<WorkerPool> pool(int workers, int resultTtl = 500, int failureTtl = 500)
    {
        WorkerOptions options;
        options.resultTtlSec = resultTtl;
        options.failureTtlSec = failureTtl;
        return std::make_unique<WorkerPool>(url(), workers, options, [this] {
            return std::make_unique<TimedHandler>(&m_running, &m_peak);
        });
    }

    JobFields waitForEnd(JobQueue &queue, const QByteArray &id, int timeoutMs = 10000)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < timeoutMs) {
            const auto fields = queue.fetch(id);
            if (fields &&
                (fields->value("status") == "finished" || fields->value("status") == "failed"))
                return *fields;
            QThread::msleep(20);
        }
        return {};
    }

    test::RedisProcess m_redis;
    std::atomic_int m_running{0};
    std::atomic_int m_peak{0};

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText())); }
    void init()
    {
        m_redis.command({"FLUSHALL"});
        m_peak = 0;
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
        QCOMPARE(fields->value("tenant"), QByteArray("default"));
        QCOMPARE(fields->value("attempts"), QByteArray("0"));
        QVERIFY(fields->value("enqueued_at").size() >= 19);
        QVERIFY(m_redis.command({"LRANGE", keys::kQueue, "0", "-1"}).contains(id));
    }

    void fileBytesLiveUnderTheBlobKeyUntilTheJobEnds()
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
        QCOMPARE(QJsonDocument::fromJson(done.value("result")).object().value("blob_size").toInt(),
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
        QVERIFY(!done.value("started_at").isEmpty());
        QVERIFY(done.value("ended_at") >= done.value("started_at"));
        QCOMPARE(done.value("attempts"), QByteArray("1"));
        QVERIFY(done.value("worker_name").startsWith(WorkerPool::processName()));
        QCOMPARE(QJsonDocument::fromJson(done.value("result")).object().value("job").toString(),
                 QString::fromLatin1(id));
        QVERIFY(queue.connection().command({"ZSCORE", keys::kFinished, id}).string().toDouble() >
                0);
        const long long ttl = queue.connection().command({"TTL", keys::job(id)}).integer();
        QVERIFY(ttl > 0 && ttl <= 500);
        QCOMPARE(queue.queuedCount(), 0);
        // No job left behind in any processing list.
        QVERIFY(queue.connection().command({"KEYS", "rq:processing:*"}).strings().isEmpty() ||
                queue.connection()
                        .command({"LLEN", keys::processing(done.value("worker_name"))})
                        .integer() == 0);
    }

    void failuresAreRecordedInTheSeedsForm()
    {
        JobQueue queue(url());
        auto workers = pool(1, 500, 3600);
        workers->start();
        const QByteArray id = queue.enqueue(textJob("fail"));
        const JobFields done = waitForEnd(queue, id);
        QCOMPARE(done.value("status"), QByteArray("failed"));
        QCOMPARE(done.value("error"), QByteArray("ValueError: asked to fail"));
        QCOMPARE(queue.connection().command({"LRANGE", keys::kFailedList, "0", "-1"}).strings(),
                 QList<QByteArray>{id});
        QVERIFY(queue.connection().command({"ZSCORE", keys::kFailed, id}).string().toDouble() > 0);
        const long long ttl = queue.connection().command({"TTL", keys::job(id)}).integer();
        QVERIFY(ttl > 500 && ttl <= 3600);
    }

    void failedListIsCapped()
    {
        JobQueue queue(url());
        for (int i = 0; i < keys::kFailedListCap + 5; ++i)
            queue.connection().command({"LPUSH", keys::kFailedList, QByteArray::number(i)});
        auto workers = pool(1);
        workers->start();
        waitForEnd(queue, queue.enqueue(textJob("fail")));
        QCOMPARE(queue.connection().command({"LLEN", keys::kFailedList}).integer(),
                 keys::kFailedListCap);
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
        QList<QByteArray> ids;
        for (int i = 0; i < 60; ++i)
            ids.append(queue.enqueue(textJob("ok")));
        for (const QByteArray &id : ids)
            QCOMPARE(waitForEnd(queue, id).value("attempts"), QByteArray("1"));
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
        QVERIFY_THROWS_EXCEPTION(RedisUnavailable, queue.enqueue(textJob("during")));
        try {
            queue.enqueue(textJob("during"));
        } catch (const RedisUnavailable &unavailable) {
            QVERIFY(unavailable.message().contains(QStringLiteral("127.0.0.1:%1").arg(port)));
        }
        QVERIFY(!queue.connection().ping());
        QVERIFY(spare.restart());
        // Reconnects once the backoff (at most 5 s) allows.
        QTRY_VERIFY_WITH_TIMEOUT(queue.connection().ping(), 10000);
        QVERIFY(!queue.enqueue(textJob("after")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestJobQueue)
#include "tst_jobqueue.moc"
