// Refresh schedules in a real Redis: the interval rule, one schedule per
// tenant and URL, and the claim of a due run, which two claimers at once (two
// processes' schedulers) never both win; the scheduler enqueues a due run as
// an ordinary low-priority URL job carrying refresh_id.
#include "queue/redisconnection.h"
#include "queue/refreshscheduler.h"
#include "queue/refreshschedules.h"
#include "redisprocess.h"

#include <QDateTime>
#include <QTest>

using namespace aether;
using namespace aether::test;

class TestRefreshSchedules : public QObject
{
    Q_OBJECT

private:
    RedisUrl url() const
    {
        QString error;
        return *RedisUrl::parse(m_redis.url(), &error);
    }

    static RefreshSchedule schedule(const QString &tenant, const QString &url)
    {
        RefreshSchedule schedule;
        schedule.tenant = tenant;
        schedule.source = QStringLiteral("web");
        schedule.url = url;
        schedule.every = QStringLiteral("2h");
        schedule.everySec = 7200;
        return schedule;
    }

    RedisProcess m_redis;

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText())); }

    void intervals()
    {
        QCOMPARE(RefreshSchedules::parseInterval(QStringLiteral("hourly")), 3600);
        QCOMPARE(RefreshSchedules::parseInterval(QStringLiteral("daily")), 86400);
        QCOMPARE(RefreshSchedules::parseInterval(QStringLiteral("8760h")), 8760 * 3600);
        for (const char *bad : {"0h", "8761h", "01h", "h", "1d", "weekly", " 1h", ""})
            QVERIFY2(!RefreshSchedules::parseInterval(QString::fromLatin1(bad)), bad);
    }

    void oneScheduleATenantAndUrl()
    {
        RedisConnection redis(url());
        RefreshSchedules schedules(redis);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const QByteArray first = schedules.upsert(schedule("a", "https://example.org/x"), now);
        const QByteArray again = schedules.upsert(schedule("a", "https://example.org/x"), now);
        const QByteArray other = schedules.upsert(schedule("b", "https://example.org/x"), now);
        QCOMPARE(again, first);
        QVERIFY(other != first);
        qint64 total = 0;
        QCOMPARE(schedules.list(QStringLiteral("a"), 0, 10, &total).size(), 1);
        QCOMPARE(schedules.list(QString(), 0, 10, &total).size(), 2);
        QCOMPARE(total, 2);
        QCOMPARE(schedules.find(first)->nextAtMs, now + 7200 * 1000);
        QVERIFY(schedules.remove(first));
        QVERIFY(schedules.remove(other));
        QVERIFY(!schedules.find(first));
    }

    // Two claimers at once, as two processes' schedulers: each due run once.
    void aDueRunIsClaimedOnce()
    {
        RedisConnection one(url());
        RedisConnection two(url());
        RefreshSchedules first(one);
        RefreshSchedules second(two);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QList<QByteArray> ids;
        for (int i = 0; i < 20; ++i)
            ids.append(
                first.upsert(schedule("a", QStringLiteral("https://example.org/%1").arg(i)), now));
        const qint64 due = now + 7200 * 1000;
        QVERIFY(first.claimDue(due - 1, 100).isEmpty()); // not due yet
        QSet<QByteArray> claimed;
        int claims = 0;
        for (int round = 0; round < 10; ++round) {
            for (RefreshSchedules *claimer : {&first, &second}) {
                for (const RefreshSchedule &run : claimer->claimDue(due, 3)) {
                    claimed.insert(run.id);
                    ++claims;
                    QCOMPARE(run.nextAtMs, due + 7200 * 1000); // moved in the same step
                }
            }
        }
        QCOMPARE(claims, 20);
        QCOMPARE(claimed.size(), 20);
        for (const QByteArray &id : ids)
            first.remove(id);
    }

    void theSchedulerEnqueuesADueRun()
    {
        RedisConnection redis(url());
        RefreshSchedules schedules(redis);
        const QByteArray id = schedules.upsert(schedule("a", "https://example.org/due"),
                                               QDateTime::currentMSecsSinceEpoch());
        redis.command({"ZADD", "aether:refresh:due", "0", id}); // as if its time had come
        RefreshScheduler scheduler(url());
        scheduler.tick();
        const QList<QByteArray> queued =
            redis.command({"LRANGE", "rq:queue:ingest:low", "0", "-1"}).strings();
        QCOMPARE(queued.size(), 1);
        const QByteArray job = "rq:job:" + queued.first();
        QCOMPARE(redis.command({"HGET", job, "refresh_id"}).string(), id);
        QCOMPARE(redis.command({"HGET", job, "url"}).string(),
                 QByteArray("https://example.org/due"));
        QCOMPARE(redis.command({"HGET", job, "tenant"}).string(), QByteArray("a"));
        QCOMPARE(schedules.find(id)->lastJobId, queued.first());
        scheduler.tick(); // not due any more
        QCOMPARE(redis.command({"LLEN", "rq:queue:ingest:low"}).integer(), 1);
    }
};

QTEST_GUILESS_MAIN(TestRefreshSchedules)
#include "tst_refreshschedules.moc"
