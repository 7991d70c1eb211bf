// The Reconciler against a real redis-server: a queued job missing from its
// queue list is put back only when seen so in two passes in a row, and only
// if it is still queued and unlisted when the script runs (a job taken or
// put back meanwhile is left alone); a job RQ failed while an Aether worker
// holds it is not adopted; at 100,000 queued jobs a pass finds
// nothing to do (its time is printed, not asserted).
#include "queue/reconciler.h"
#include "queue/redisconnection.h"
#include "queue/rediskeys.h"
#include "redisprocess.h"

#include <QElapsedTimer>
#include <QTest>

using namespace aether;

class TestReconciler : public QObject
{
    Q_OBJECT

private:
    // `count` queued jobs "q<n>" in the index and the default queue list.
    void addQueued(int count)
    {
        QList<RedisCommand> commands;
        for (int i = 0; i < count; ++i) {
            const QByteArray id = "q" + QByteArray::number(i).rightJustified(6, '0');
            commands.append({"HSET", keys::job(id), "status", "queued", "priority", "default",
                             "tenant", "default"});
            commands.append({"ZADD", keys::kIndex, QByteArray::number(i), id});
            commands.append({"RPUSH", keys::queue("default"), id});
            if (commands.size() >= 30000) {
                m_connection->pipeline(commands);
                commands.clear();
            }
        }
        if (!commands.isEmpty())
            m_connection->pipeline(commands);
    }
    qint64 position(const QByteArray &id)
    {
        const RedisReply reply = m_connection->command({"LPOS", keys::queue("default"), id});
        return reply.isNull() ? -1 : reply.integer();
    }

    aether::test::RedisProcess m_redis;
    std::unique_ptr<RedisConnection> m_connection;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        m_connection = std::make_unique<RedisConnection>(*RedisUrl::parse(m_redis.url(), nullptr));
    }
    void init() { m_connection->command({"FLUSHDB"}); }

    void aStrandedJobGoesBackAfterTwoPasses()
    {
        addQueued(10);
        m_connection->command({"LREM", keys::queue("default"), "0", "q000004"});
        Reconciler reconciler(3600);
        QCOMPARE(reconciler.pass(*m_connection), 0); // first sighting
        QCOMPARE(position("q000004"), -1);
        QCOMPARE(reconciler.pass(*m_connection), 1);
        QCOMPARE(position("q000004"), 0); // at the head
        QCOMPARE(m_connection->command({"LLEN", keys::queue("default")}).integer(), 10);
        QCOMPARE(m_connection->command({"GET", keys::kStrandedRequeued}).string(), QByteArray("1"));
        QCOMPARE(reconciler.pass(*m_connection), 0); // never twice
    }

    void aJobThatMovedOnIsLeftAlone()
    {
        addQueued(3);
        for (const QByteArray id : {"q000000", "q000001"})
            m_connection->command({"LREM", keys::queue("default"), "0", id});
        Reconciler reconciler(3600);
        QCOMPARE(reconciler.pass(*m_connection), 0);
        // Between the passes a worker takes q000000 and q000001 is listed again.
        m_connection->command({"HSET", keys::job("q000000"), "status", "started"});
        m_connection->command({"RPUSH", keys::queue("default"), "q000001"});
        QCOMPARE(reconciler.pass(*m_connection), 0);
        QCOMPARE(position("q000000"), -1);
        QCOMPARE(m_connection->command({"LLEN", keys::queue("default")}).integer(), 2);
    }

    // The ids of a bulk empty's holding list (registered in aether:emptying)
    // are being canceled, not stranded: the repair leaves them.
    void aHoldingListCountsAsListed()
    {
        addQueued(3);
        m_connection->command({"LREM", keys::queue("default"), "0", "q000001"});
        m_connection->command({"RPUSH", "aether:emptying:test", "q000001"});
        m_connection->command({"SADD", keys::kEmptying, "aether:emptying:test"});
        Reconciler reconciler(3600);
        QCOMPARE(reconciler.pass(*m_connection), 0);
        QCOMPARE(reconciler.pass(*m_connection), 0);
        QCOMPARE(position("q000001"), -1);
        // Once the list is gone (done, or expired after its emptier died), it
        // leaves the register and its jobs count as stranded.
        m_connection->command({"DEL", "aether:emptying:test"});
        QCOMPARE(reconciler.pass(*m_connection), 0);
        QCOMPARE(m_connection->command({"SCARD", keys::kEmptying}).integer(), 0);
        QCOMPARE(reconciler.pass(*m_connection), 1);
        QCOMPARE(position("q000001"), 0);
    }

    // RQ's cleanup may mark a job an Aether worker still runs failed (and list
    // it in rq:failed): while its lease is held, the pass leaves it to the worker.
    void aFailedJobAnAetherWorkerHoldsIsNotAdopted()
    {
        for (const QByteArray id : {"held", "loose"}) {
            m_connection->command({"HSET", keys::job(id), "status", "failed", "tenant", "default",
                                   "exc_info", "AbandonedJobError: cleanup"});
            m_connection->command({"ZADD", keys::kRqFailed, "9999999999", id});
        }
        m_connection->command({"ZADD", keys::kLeases, "9999999999999", "held"});
        Reconciler reconciler(3600);
        QCOMPARE(reconciler.pass(*m_connection), 1); // "loose" only
        QVERIFY(!m_connection->command({"ZSCORE", keys::kEndedFailed, "loose"}).isNull());
        QVERIFY(m_connection->command({"ZSCORE", keys::kEndedFailed, "held"}).isNull());
    }

    // RQ's error text comes compressed from Redis: a bomb (32 MB in about
    // 32 KB) is read up to its bound (1 MB), not inflated whole.
    void aCompressedErrorIsReadWithABound()
    {
        m_connection->command({"HSET", keys::job("bomb"), "status", "failed", "tenant", "default"});
        m_connection->command({"ZADD", keys::kRqFailed, "9999999999", "bomb"});
        const QByteArray zlib = qCompress(QByteArray(32 * 1024 * 1024, 'x'), 9).mid(4);
        QVERIFY(zlib.size() < 1024 * 1024);
        m_connection->command(
            {"XADD", "rq:results:bomb", "*", "type", "2", "exc_string", zlib.toBase64()});
        Reconciler reconciler(3600);
        QCOMPARE(reconciler.pass(*m_connection), 1);
        const QByteArray error =
            m_connection->command({"HGET", keys::job("bomb"), "error"}).string();
        QVERIFY(!error.isEmpty());
        QVERIFY2(error.size() <= 1024 * 1024, QByteArray::number(error.size()).constData());
    }

    void aPassAtAHundredThousandQueuedJobs()
    {
        addQueued(100000);
        Reconciler reconciler(3600);
        QElapsedTimer took;
        took.start();
        QCOMPARE(reconciler.pass(*m_connection), 0);
        qInfo("a pass over 100,000 queued jobs took %lld ms", took.elapsed());
        m_connection->command({"LREM", keys::queue("default"), "0", "q099999"});
        QCOMPARE(reconciler.pass(*m_connection), 0);
        QCOMPARE(reconciler.pass(*m_connection), 1);
        QCOMPARE(position("q099999"), 0);
    }
};

QTEST_GUILESS_MAIN(TestReconciler)
#include "tst_reconciler.moc"
