// The upgrade of a queue written before the RQ-compatible layout: a real
// redis-server loaded with the old layout (as the old binary wrote it), then
// checked through Aether's own reads and through Python RQ's Job.fetch.

#include "queue/jobadmin.h"
#include "queue/jobqueue.h"
#include "queue/layoutupgrade.h"
#include "queue/rediskeys.h"
#include "redisprocess.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>
#include <QTimeZone>
#include <cmath>

using namespace aether;

namespace {

constexpr int kResultTtl = 500;
constexpr int kFailureTtl = 3600;
constexpr int kBulkFinished = 1200; // more than one batch of every pass

QByteArray seedTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc())
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"))
        .toLatin1();
}

} // namespace

class TstLayoutUpgrade : public QObject
{
    Q_OBJECT

    RedisUrl url() const
    {
        QString error;
        return *RedisUrl::parse(m_redis.url(), &error);
    }

    double score(RedisConnection &redis, const QByteArray &key, const QByteArray &id)
    {
        const RedisReply reply = redis.command({"ZSCORE", key, id});
        return reply.isNull() ? -1 : reply.string().toDouble();
    }

    // An old-layout job hash as the old binary wrote it.
    RedisCommand oldJob(const QByteArray &id, const QByteArray &status, qint64 createdMs,
                        const QByteArray &type = "text")
    {
        RedisCommand hash{"HSET",         keys::job(id),
                          "status",       status,
                          "type",         type,
                          "tenant",       "acme",
                          "source",       "docs",
                          "priority",     "default",
                          "created_at",   seedTime(createdMs),
                          "enqueued_at",  seedTime(createdMs),
                          "timeout",      "300",
                          "max_attempts", "3",
                          "attempts",     "0",
                          "progress",     "0"};
        if (type == "text")
            hash << "text"
                 << "héllo";
        else if (type == "url")
            hash << "url"
                 << "https://example.org/it's";
        else
            hash << "filename"
                 << "a.pdf"
                 << "size"
                 << "2048";
        return hash;
    }

    // Python RQ's view of a job: "<status> <func_name> <args> <kwargs> <result>".
    QByteArray rqView(const QByteArray &id)
    {
        QProcess python;
        python.start(QStringLiteral("/usr/bin/python3"),
                     {QStringLiteral("-c"),
                      QStringLiteral("import sys\nfrom redis import Redis\nfrom rq.job import Job\n"
                                     "j = Job.fetch(sys.argv[1], connection=Redis(port=%1))\n"
                                     "print(j.get_status(), j.func_name, j.args, j.kwargs, "
                                     "j.result, j.created_at.year)")
                          .arg(m_redis.port()),
                      QString::fromLatin1(id)});
        python.waitForFinished(30000);
        const QByteArray output = python.readAllStandardOutput() + python.readAllStandardError();
        return output.trimmed();
    }

    test::RedisProcess m_redis;

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText())); }

    void anOldLayoutQueueIsUpgradedInPlace()
    {
        m_redis.command({"FLUSHALL"});
        RedisConnection redis(url());
        const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
        const double nowS = nowMs / 1000.0;
        const qint64 created = nowMs - 60000;
        QList<RedisCommand> old;
        // queued (URL), started (text, lease in ms), scheduled (file, retry in ms),
        // finished (result JSON), failed, canceled: the old binary's writes.
        old << oldJob("q1", "queued", created, "url") << RedisCommand{"RPUSH", keys::kQueue, "q1"};
        old << oldJob("s1", "started", created)
            << RedisCommand{"ZADD", "rq:wip:ingest", QByteArray::number(nowMs + 10000), "s1"};
        old << RedisCommand{"HSET",        keys::job("s1"), "started_at", seedTime(nowMs - 1000),
                            "worker_name", "ghost.1.1"};
        old << oldJob("r1", "scheduled", created, "file")
            << RedisCommand{"ZADD", "rq:scheduled:ingest", QByteArray::number(nowMs + 5000), "r1"};
        old << oldJob("f1", "finished", created)
            << RedisCommand{"HSET",       keys::job("f1"),
                            "started_at", seedTime(nowMs - 2000),
                            "ended_at",   seedTime(nowMs - 1000),
                            "result",     R"({"ok":true,"ingested_chunks":2,"score":0.5})"}
            << RedisCommand{"EXPIRE", keys::job("f1"), QByteArray::number(kResultTtl)}
            << RedisCommand{"ZADD", "rq:finished:ingest", QByteArray::number(nowS - 1, 'f', 3),
                            "f1"};
        old << oldJob("e1", "failed", created)
            << RedisCommand{"HSET",  keys::job("e1"),  "ended_at", seedTime(nowMs - 1000),
                            "error", "ValueError: bad"}
            << RedisCommand{"EXPIRE", keys::job("e1"), QByteArray::number(kFailureTtl)}
            << RedisCommand{"ZADD", "rq:failed:ingest", QByteArray::number(nowS - 1, 'f', 3), "e1"};
        old << oldJob("c1", "canceled", created)
            << RedisCommand{"HSET", keys::job("c1"), "ended_at", seedTime(nowMs - 1000)}
            << RedisCommand{"ZADD", "rq:canceled:ingest", QByteArray::number(nowS - 1, 'f', 3),
                            "c1"};
        for (const QByteArray id : {"q1", "s1", "r1", "f1", "e1", "c1"})
            old << RedisCommand{"ZADD", "rq:jobs:ingest", QByteArray::number(created), id};
        for (int i = 0; i < kBulkFinished; ++i) {
            const QByteArray id = "bulk-" + QByteArray::number(i);
            old << oldJob(id, "finished", created - i)
                << RedisCommand{"HSET", keys::job(id), "ended_at", seedTime(nowMs), "result", "{}"}
                << RedisCommand{"ZADD", "rq:finished:ingest", QByteArray::number(nowS, 'f', 3), id}
                << RedisCommand{"ZADD", "rq:jobs:ingest", QByteArray::number(created - i), id};
        }
        redis.pipeline(old);

        LayoutUpgrade upgrade(redis, kResultTtl, kFailureTtl);
        QVERIFY(upgrade.needed());
        QCOMPARE(upgrade.runIfNeeded(), qint64(6 + kBulkFinished));
        QVERIFY(!upgrade.needed());
        QCOMPARE(upgrade.runIfNeeded(), qint64(0)); // once

        // Aether's indexes under their new names, with the old scores.
        QCOMPARE(redis.command({"EXISTS", "rq:jobs:ingest"}).integer(), 0);
        QCOMPARE(redis.command({"ZCARD", keys::kIndex}).integer(), 6 + kBulkFinished);
        QCOMPARE(score(redis, keys::kIndex, "q1"), double(created));
        QCOMPARE(score(redis, keys::kLeases, "s1"), double(nowMs + 10000));
        QCOMPARE(redis.command({"ZCARD", keys::kEndedFinished}).integer(), 1 + kBulkFinished);
        QVERIFY(std::abs(score(redis, keys::kEndedFailed, "e1") - (nowS - 1)) < 0.01);
        // RQ's registries with RQ's scores (seconds).
        QVERIFY(std::abs(score(redis, keys::kRqStarted, "s1") - (nowS + 300 + 60)) < 30);
        QVERIFY(std::abs(score(redis, keys::kRqScheduled, "r1") - (nowS + 5)) < 0.01);
        QVERIFY(std::abs(score(redis, keys::kRqFinished, "f1") - (nowS + kResultTtl)) < 30);
        QVERIFY(std::abs(score(redis, keys::kRqFinished, "bulk-7") - (nowS + kResultTtl)) < 30);
        QVERIFY(std::abs(score(redis, keys::kRqFailed, "e1") - (nowS + kFailureTtl)) < 30);
        QVERIFY(std::abs(score(redis, keys::kRqCanceled, "c1") - (nowS - 1)) < 0.01);
        QCOMPARE(redis.command({"ZCARD", keys::kRqFinished}).integer(), 1 + kBulkFinished);

        // Job hashes: RQ's fields beside Aether's.
        const JobFields finished = redis.command({"HGETALL", keys::job("f1")}).hash();
        QCOMPARE(finished.value("result_json"),
                 QByteArray(R"({"ok":true,"ingested_chunks":2,"score":0.5})"));
        QVERIFY(finished.value("result").startsWith("\x80\x02"));
        QCOMPARE(finished.value("created_at"), seedTime(created).replace(10, 1, "T") + "000Z");
        QVERIFY(finished.value("ended_at").endsWith("000Z"));
        QCOMPARE(finished.value("origin"), QByteArray("ingest"));
        QCOMPARE(redis.command({"HGET", keys::job("e1"), "exc_info"}).string(),
                 QByteArray("ValueError: bad"));
        QVERIFY(redis.command({"TTL", keys::job("f1")}).integer() > 0); // expiry kept

        // Aether's figures read the new indexes.
        JobAdmin admin(redis, kFailureTtl);
        const QueueState state = admin.state();
        QCOMPARE(state.queuedDefault, 1);
        QCOMPARE(state.started, 1);
        QCOMPARE(state.scheduled, 1);
        QCOMPARE(state.finished, 1 + kBulkFinished);
        QCOMPARE(state.failed, 1);
        QCOMPARE(state.canceled, 1);

        // Python RQ loads every state.
        if (!QFile::exists(QStringLiteral("/usr/bin/python3")))
            QSKIP("no /usr/bin/python3 for RQ's view");
        QVERIFY2(rqView("q1").startsWith("queued aether_ingest.ingest_url_job "
                                         "(\"https://example.org/it's\",) {'source': 'docs', "
                                         "'tenant': 'acme', 'priority': 'default'} None"),
                 rqView("q1").constData());
        QVERIFY2(rqView("s1").startsWith("started aether_ingest.ingest_text_job () {'source': "
                                         "'docs', 'tenant': 'acme', 'size': 6,"),
                 rqView("s1").constData());
        QVERIFY2(rqView("r1").startsWith("scheduled aether_ingest.ingest_file_job ('a.pdf',) "
                                         "{'source': 'docs', 'tenant': 'acme', 'size': 2048"),
                 rqView("r1").constData());
        QVERIFY2(rqView("f1").contains("{'ingested_chunks': 2, 'ok': True, 'score': 0.5}"),
                 rqView("f1").constData());
        QVERIFY(rqView("e1").startsWith("failed "));
        QVERIFY(rqView("c1").startsWith("canceled "));
    }

    void aNewLayoutQueueIsLeftAlone()
    {
        m_redis.command({"FLUSHALL"});
        JobQueue queue(url());
        const QByteArray id = queue.enqueue(JobRequest{});
        const JobFields before = *queue.fetch(id);
        LayoutUpgrade upgrade(queue.connection(), kResultTtl, kFailureTtl);
        QVERIFY(!upgrade.needed());
        QCOMPARE(upgrade.runIfNeeded(), qint64(0));
        QCOMPARE(*queue.fetch(id), before);
    }
};

QTEST_GUILESS_MAIN(TstLayoutUpgrade)
#include "tst_layoutupgrade.moc"
