// JobBulk's chunked selection against a real redis-server: an ended-jobs
// index walked 1000 ids at a time finds every id exactly once when many jobs
// share one end time (ids of one score sort by id across chunks), when the
// cursor's job is deleted between chunks, and at the time bounds (`since`
// inclusive, `before` exclusive); a delete re-checks the filter per job.
#include "queue/adminscripts.h"
#include "queue/bulkscripts.h"
#include "queue/jobbulk.h"
#include "queue/rediskeys.h"
#include "redisprocess.h"

#include <QSet>
#include <QTest>

using namespace aether;

class TestJobBulk : public QObject
{
    Q_OBJECT

private:
    // `count` failed jobs "f<n>" in the failed index, all ended at `endedAt`.
    void addFailed(int count, double endedAt, const QByteArray &prefix = "f")
    {
        QList<RedisCommand> commands;
        for (int i = 0; i < count; ++i) {
            const QByteArray id = prefix + QByteArray::number(i).rightJustified(5, '0');
            commands.append({"HSET", keys::job(id), "status", "failed", "tenant", "acme", "type",
                             "text", "source", i % 2 ? "mail" : "notes"});
            commands.append({"ZADD", keys::kEndedFailed, QByteArray::number(endedAt, 'f', 3), id});
        }
        m_connection->pipeline(commands);
    }

    // One chunk of kSelectEnded: {cursor id, cursor score, ids...}.
    QList<QByteArray> select(const QByteArray &afterId, const QByteArray &afterScore,
                             int count = JobBulk::kChunk)
    {
        return m_connection
            ->script(scripts::kSelectEnded, {keys::kEndedFailed},
                     {afterId, afterScore, "-inf", "+inf", QByteArray::number(count), "failed", "",
                      "", ""})
            .strings();
    }

    // The outcome of one JobAdmin delete command (EVALSHA; EVAL when not cached yet).
    QByteArray runDelete(RedisCommand command)
    {
        RedisReply reply = m_connection->command(command);
        if (reply.isError() && reply.string().startsWith("NOSCRIPT")) {
            command[0] = "EVAL";
            command[1] = scripts::kDelete;
            reply = m_connection->command(command);
        }
        return reply.strings().value(0);
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

    void tiedEndTimesAreEachSelectedOnce()
    {
        addFailed(2500, 1000.0);
        JobBulk bulk(*m_connection, 3600);
        BulkFilter filter;
        filter.status = "failed";
        const BulkDeleteResult done = bulk.removeEnded(filter, {});
        QCOMPARE(done.matched, 2500);
        QCOMPARE(done.deleted, 2500);
        QCOMPARE(m_connection->command({"ZCARD", keys::kEndedFailed}).integer(), 0);
    }

    void aDeletedCursorRestartsAfterIt()
    {
        addFailed(30, 1000.0);
        addFailed(5, 999.0, "e"); // an earlier score before them
        const QList<QByteArray> first = select({}, {}, 15);
        QCOMPARE(first.value(0), QByteArray("f00009"));
        QCOMPARE(first.size(), 2 + 15);
        m_connection->command({"ZREM", keys::kEndedFailed, "f00009"});
        const QList<QByteArray> next = select(first.value(0), first.value(1), 10);
        QCOMPARE(next.size(), 2 + 10);
        QCOMPARE(next.value(2), QByteArray("f00010"));
        QCOMPARE(next.value(0), QByteArray("f00019"));
        m_connection->command({"ZREM", keys::kEndedFailed, "f00019", "f00020"});
        const QList<QByteArray> last = select(next.value(0), next.value(1), 10);
        QCOMPARE(last.value(2), QByteArray("f00021"));
        QCOMPARE(last.size(), 2 + 9);
        QCOMPARE(last.value(0), QByteArray()); // done
    }

    void sinceIsInclusiveAndBeforeExclusive()
    {
        addFailed(10, 1000.0, "a");
        addFailed(10, 2000.0, "b");
        addFailed(10, 3000.0, "c");
        JobBulk bulk(*m_connection, 3600);
        BulkFilter filter;
        filter.status = "failed";
        filter.source = QStringLiteral("mail");
        filter.endedFrom = 2000.0;
        filter.endedBefore = 3000.0;
        QCOMPARE(bulk.retry(filter, {}).matched, 5); // b's mail jobs
        filter.source.clear();
        filter.tenant = QStringLiteral("other");
        QCOMPARE(bulk.removeEnded(filter, {}).matched, 0);
        filter.tenant = QStringLiteral("acme");
        QCOMPARE(bulk.removeEnded(filter, QStringLiteral("other")).matched, 0); // out of scope
    }

    // `count` queued jobs "j<n>" in the default queue, tenants acme and other by turns.
    QList<QByteArray> addQueuedByTurns(int count)
    {
        QList<RedisCommand> commands;
        QList<QByteArray> ids;
        for (int i = 0; i < count; ++i) {
            const QByteArray id = "j" + QByteArray::number(i).rightJustified(5, '0');
            commands.append({"HSET", keys::job(id), "status", "queued", "tenant",
                             i % 2 ? "other" : "acme", "type", "text", "priority", "default"});
            commands.append({"RPUSH", keys::queue("default"), id});
            ids.append(id);
        }
        m_connection->pipeline(commands);
        return ids;
    }

    // One tenant's empty takes its jobs out of the live list: the other
    // tenant's jobs never leave it (not even between chunks) and keep their order.
    void emptyingOneTenantKeepsTheOthersInPlace()
    {
        const QList<QByteArray> ids = addQueuedByTurns(3000);
        QList<QByteArray> others;
        for (qsizetype i = 1; i < ids.size(); i += 2)
            others.append(ids[i]);
        const QList<QByteArray> firstChunk =
            m_connection
                ->script(scripts::kTakeQueuedOfTenant, {keys::queue("default")},
                         {"acme", "", QByteArray::number(JobBulk::kChunk)})
                .strings();
        QCOMPARE(firstChunk.value(0), ids[JobBulk::kChunk - 1]); // the anchor: other's last one
        QCOMPARE(firstChunk.size(), 1 + JobBulk::kChunk / 2);
        QCOMPARE(m_connection->command({"LLEN", keys::queue("default")}).integer(), 2500);
        JobBulk bulk(*m_connection, 3600);
        QCOMPARE(bulk.emptyQueues({"default"}, QStringLiteral("acme")), 1000); // 500 taken above
        QCOMPARE(m_connection->command({"LRANGE", keys::queue("default"), "0", "-1"}).strings(),
                 others);
        QCOMPARE(m_connection->command({"HGET", keys::job(ids[2000]), "status"}).string(),
                 QByteArray("canceled"));
        // Every tenant's: the list moves aside and its holding list is gone when done.
        QCOMPARE(bulk.emptyQueues({"default"}, {}), 1500);
        QCOMPARE(m_connection->command({"LLEN", keys::queue("default")}).integer(), 0);
        QCOMPARE(m_connection->command({"SCARD", keys::kEmptying}).integer(), 0);
        QCOMPARE(m_connection->command({"KEYS", "aether:emptying:*"}).strings(),
                 QList<QByteArray>());
    }

    // A bulk delete selects, then deletes: a job retried (now queued) or failed
    // again later in between no longer matches, and the delete leaves it.
    void aDeleteLeavesJobsThatNoLongerMatch()
    {
        addFailed(3, 1000.0);
        m_connection->command({"HSET", keys::job("f00001"), "status", "queued"});
        m_connection->command({"ZADD", keys::kEndedFailed, "5000", "f00002"});
        JobAdmin admin(*m_connection, 3600);
        const QList<QByteArray> filter{"failed", "-inf", "2000.000"};
        QList<QByteArray> outcomes;
        for (const QByteArray id : {"f00000", "f00001", "f00002"})
            outcomes.append(runDelete(admin.removeCommand(id, {}, filter)));
        QCOMPARE(outcomes, (QList<QByteArray>{"deleted", "conflict", "conflict"}));
        QCOMPARE(m_connection->command({"EXISTS", keys::job("f00000")}).integer(), 0);
        QCOMPARE(m_connection->command({"EXISTS", keys::job("f00001")}).integer(), 1);
        QCOMPARE(m_connection->command({"EXISTS", keys::job("f00002")}).integer(), 1);
        // Without a filter (DELETE /ops/jobs/{id}) the job goes whatever its end.
        QCOMPARE(runDelete(admin.removeCommand("f00002")), QByteArray("deleted"));
    }
};

QTEST_GUILESS_MAIN(TestJobBulk)
#include "tst_jobbulk.moc"
