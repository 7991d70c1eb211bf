// The bulk operations of the real aether-ingestd at 100,000 jobs (real
// redis-server, real HTTP): POST /ops/queue/empty, POST /ops/jobs/retry and
// DELETE /ops/jobs answer exact counts, the queue's counts and listings agree
// afterwards, each filter and the caller's tenant change what is touched, and
// GET /healthz answers from another connection while an operation runs.
#include "daemonprocess.h"
#include "httpclient.h"
#include "queue/rediskeys.h"
#include "redisprocess.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QTest>
#include <QThread>
#include <atomic>

using namespace aether;
using namespace aether::test;

namespace {

const Headers kRoot{{"x-api-key", "root"}};            // admin, every tenant
const Headers kAcmeAdmin{{"x-api-key", "acme-admin"}}; // admin of tenant acme only
const Headers kEditor{{"x-api-key", "ed"}};            // editor, every tenant

constexpr int kBatches = 20;       // of kBatchSize: 100,000 jobs
constexpr int kBatchSize = 5000;   // the batch route's most
constexpr int kPerTenant = 50000;  // batches 0-9 acme, 10-19 globex
constexpr int kUrlEvery = 5;       // every 5th member is a URL job: 20,000 url, 80,000 text
constexpr qint64 kAnswerMs = 5000; // "does not hang", not a speed figure

// Jobs the test makes failed. A daemon makes 100,000 failed jobs only by
// running them (minutes); this does to canceled jobs what the settle script
// does to a failed one, in the fields the bulk operations and the listing
// read: status, error, and the id moved from the canceled to the failed index
// with its end time (s) as score. Jobs of source 'notes' get an end time a
// day earlier, for the `before` and `since` filters.
// KEYS: canceled index, failed index, RQ's canceled and failed registries
// ARGV: tenant, earlier end time (s)
const QByteArray kMakeFailed = R"LUA(
local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local made = 0
for i = 1, #entries, 2 do
  local id, score = entries[i], entries[i + 1]
  local job = 'rq:job:' .. id
  local fields = redis.call('HMGET', job, 'tenant', 'source')
  if fields[1] == ARGV[1] then
    if fields[2] == 'notes' then score = ARGV[2] end
    redis.call('HSET', job, 'status', 'failed', 'error', 'FetchError: connection refused',
               'exc_info', 'FetchError: connection refused')
    redis.call('ZREM', KEYS[1], id)
    redis.call('ZADD', KEYS[2], score, id)
    redis.call('ZREM', KEYS[3], id)
    redis.call('ZADD', KEYS[4], score + 604800, id)
    made = made + 1
  end
end
return made
)LUA";

} // namespace

class TestIngestdBulk : public QObject
{
    Q_OBJECT

private:
    QJsonObject counts()
    {
        return m_client->get(QStringLiteral("/ops/queue"), kRoot).json().value("counts").toObject();
    }
    void verifyCounts(int queued, int canceled, int failed)
    {
        const QJsonObject now = counts();
        QCOMPARE(now.value("queued").toInt(-1), queued);
        QCOMPARE(now.value("canceled").toInt(-1), canceled);
        QCOMPARE(now.value("failed").toInt(-1), failed);
    }

    // Sends a bulk request on its own thread and connection; meanwhile asks
    // GET /healthz and GET /ops/queue again and again on this one, each of
    // which must answer within kAnswerMs. Returns the bulk request's answer.
    QJsonObject whileProbing(const QByteArray &method, const QString &path,
                             const Headers &headers = kRoot, const QByteArray &body = {})
    {
        HttpResult result;
        std::atomic<bool> done{false};
        QElapsedTimer took;
        took.start();
        std::unique_ptr<QThread> thread(QThread::create([&] {
            result = HttpClient(m_daemon.baseUrl()).send(method, path, body, headers);
            done = true;
        }));
        thread->start();
        int probes = 0;
        while (!done) {
            QElapsedTimer probe;
            probe.start();
            const QString probed =
                probes % 2 ? QStringLiteral("/ops/queue") : QStringLiteral("/healthz");
            const int status = m_client->get(probed, kRoot).status;
            if (!done) { // answered while the bulk operation was still running
                [&] {
                    QCOMPARE(status, 200);
                    QVERIFY2(probe.elapsed() < kAnswerMs, qPrintable(probed));
                }();
                ++probes;
            }
            QThread::msleep(50);
        }
        thread->wait();
        qInfo("%s %s: %lld ms, %d answers of other requests meanwhile", method.constData(),
              qPrintable(path), took.elapsed(), probes);
        [&] {
            QCOMPARE(result.status, 200);
            QCOMPARE(result.json().value("ok").toBool(), true);
        }();
        return result.json();
    }

    QJsonObject bulk(const QByteArray &method, const QString &path, const Headers &headers = kRoot,
                     const QByteArray &body = {})
    {
        QElapsedTimer took;
        took.start();
        const HttpResult result = m_client->send(method, path, body, headers);
        qInfo("%s %s: %lld ms", method.constData(), qPrintable(path), took.elapsed());
        [&] { QCOMPARE(result.status, 200); }();
        return result.json();
    }

    static void verifyRetry(const QJsonObject &answer, int matched, int retried)
    {
        QCOMPARE(answer.value("matched").toInt(-1), matched);
        QCOMPARE(answer.value("retried").toInt(-1), retried);
        const QJsonObject skipped = answer.value("skipped").toObject();
        for (const char *reason : {"blob_gone", "credentials_gone", "conflict", "missing"})
            QCOMPARE(skipped.value(QLatin1String(reason)).toInt(-1), 0);
    }

    // How many jobs GET /ops/jobs lists for a query, following next_cursor.
    int listed(const QString &query)
    {
        int count = 0;
        QString before;
        for (int page = 0; page < 1000; ++page) {
            const HttpResult reply =
                m_client->get(QStringLiteral("/ops/jobs?limit=500&") + query + before, kRoot);
            if (reply.status != 200)
                return -reply.status;
            const QJsonObject answer = reply.json();
            count += answer.value("jobs").toArray().size();
            const QJsonValue next = answer.value("next_cursor");
            if (next.isNull() || next.isUndefined())
                return count;
            before = QStringLiteral("&before=") +
                     (next.isString() ? next.toString() : QString::number(qint64(next.toDouble())));
        }
        return -1;
    }

    // 100,000 jobs through the batch route: batches 0-9 of tenant acme, 10-19
    // of globex; even batches source 'notes', odd ones 'mail'. The first
    // batch's id is kept for the batch count checks.
    void queueAll()
    {
        QElapsedTimer took;
        took.start();
        for (int batch = 0; batch < kBatches; ++batch) {
            QJsonArray items;
            for (int i = 0; i < kBatchSize; ++i) {
                if (i % kUrlEvery == 0)
                    items.append(QJsonObject{
                        {"url",
                         QStringLiteral("http://127.0.0.1:9/page/%1/%2").arg(batch).arg(i)}});
                else
                    items.append(
                        QJsonObject{{"text", QStringLiteral("Note %1 of %2").arg(i).arg(batch)}});
            }
            Headers headers = kRoot;
            headers.append(
                {QByteArray("x-tenant"), QByteArray(batch < kBatches / 2 ? "acme" : "globex")});
            const HttpResult created = m_client->postJson(
                QStringLiteral("/knowledge/ingest-batch-async"),
                {{"items", items}, {"source", batch % 2 ? "mail" : "notes"}}, headers);
            QCOMPARE(created.status, 200);
            QCOMPARE(created.json().value("count").toInt(), kBatchSize);
            if (batch == 0 && m_firstBatch.isEmpty())
                m_firstBatch = created.json().value("batch_id").toString();
        }
        qInfo("100,000 jobs queued in %lld ms", took.elapsed());
    }

    RedisProcess m_redis;
    DaemonProcess m_daemon;
    QString m_firstBatch; // acme's, source notes
    std::unique_ptr<HttpClient> m_client;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        // No workers: every job stays queued until the test changes it.
        QProcessEnvironment env = daemonEnvironment(m_redis, 0);
        env.insert(QStringLiteral("URL_ALLOW_PRIVATE"), QStringLiteral("1"));
        env.insert(QStringLiteral("API_KEYS"),
                   QStringLiteral("acme-admin:admin:acme,root:admin:*,ed:editor:*"));
        QVERIFY2(m_daemon.start(env), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());

        queueAll();
        verifyCounts(2 * kPerTenant, 0, 0);
    }

    void bulkRoutesNeedTheAdminRoleAndValidParameters_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("key");
        const QList<std::tuple<QByteArray, QString, QByteArray, int, QByteArray>> rows{
            {"POST", "/ops/jobs/retry", {}, 403, "ed"},
            {"DELETE", "/ops/jobs?status=failed", {}, 403, "ed"},
            {"POST", "/ops/queue/empty", {}, 403, "ed"},
            {"POST", "/ops/queue/empty", {}, 401, {}},
            {"POST", "/ops/jobs/retry?status=finished", {}, 422, "root"},
            {"POST", "/ops/jobs/retry?since=yesterday", {}, 422, "root"},
            {"POST", "/ops/jobs/retry", "[1,2]", 400, "root"},
            {"DELETE", "/ops/jobs?status=failed&type=pdf", {}, 422, "root"},
            {"POST", "/ops/queue/empty?priority=urgent", {}, 422, "root"},
            // A misspelt or mistyped filter is an error, never a wider selection.
            {"DELETE", "/ops/jobs?status=failed&beforre=1", {}, 422, "root"},
            {"DELETE", "/ops/jobs?status=failed&before=inf", {}, 422, "root"},
            {"POST", "/ops/jobs/retry", R"({"tenant":["x"]})", 422, "root"},
            {"POST", "/ops/jobs/retry", R"({"status":true})", 422, "root"},
            {"POST", "/ops/queue/empty", R"({"priorty":"low"})", 422, "root"},
            {"DELETE", "/ops/jobs?status=failed&tenant=", {}, 422, "root"},
            {"DELETE", "/ops/jobs?status=failed&before=1&before=2", {}, 422, "root"},
            {"POST", "/ops/jobs/retry?tenant=acme", R"({"tenant":"acme"})", 422, "root"}};
        for (const auto &[method, path, body, status, key] : rows)
            QTest::addRow("%s %s %s", method.constData(), qPrintable(path), body.constData())
                << method << path << body << status << key;
    }
    void bulkRoutesNeedTheAdminRoleAndValidParameters()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QByteArray, key);
        const Headers headers = key.isEmpty() ? Headers() : Headers{{"x-api-key", key}};
        const HttpResult refused = m_client->send(method, path, body, headers);
        QCOMPARE(refused.status, status);
        QCOMPARE(refused.json().value("ok").toBool(true), false);
        QCOMPARE(counts().value("queued").toInt(-1), 2 * kPerTenant); // nothing happened
    }

    void emptyingTheQueuesCancelsTheirJobs()
    {
        // No job has priority high.
        QCOMPARE(bulk("POST", QStringLiteral("/ops/queue/empty?priority=high"))
                     .value("canceled")
                     .toInt(-1),
                 0);
        // A key of one tenant empties that tenant's jobs only.
        QCOMPARE(whileProbing("POST", QStringLiteral("/ops/queue/empty"), kAcmeAdmin)
                     .value("canceled")
                     .toInt(-1),
                 kPerTenant);
        verifyCounts(kPerTenant, kPerTenant, 0);
        QCOMPARE(listed(QStringLiteral("status=queued&tenant=acme")), 0);
        // Each ended as a single cancel ends it: its batch counted it.
        const QJsonObject batch =
            m_client->get(QStringLiteral("/ops/batches/") + m_firstBatch, kRoot).json();
        QCOMPARE(batch.value("counts").toObject().value("canceled").toInt(-1), kBatchSize);
        QCOMPARE(batch.value("finished").toBool(), true);
        QCOMPARE(whileProbing("POST", QStringLiteral("/ops/queue/empty?priority=default"))
                     .value("canceled")
                     .toInt(-1),
                 kPerTenant);
        verifyCounts(0, 2 * kPerTenant, 0);
        // All 100,000 at once, both ways.
        verifyRetry(whileProbing("POST", QStringLiteral("/ops/jobs/retry?status=canceled")),
                    2 * kPerTenant, 2 * kPerTenant);
        verifyCounts(2 * kPerTenant, 0, 0);
        QCOMPARE(
            whileProbing("POST", QStringLiteral("/ops/queue/empty")).value("canceled").toInt(-1),
            2 * kPerTenant);
        verifyCounts(0, 2 * kPerTenant, 0);
    }

    void retryRequeuesWhatTheFiltersSelect()
    {
        // The tenant filter cannot widen a key of one tenant.
        verifyRetry(bulk("POST", QStringLiteral("/ops/jobs/retry"), kAcmeAdmin,
                         R"({"status":"canceled","tenant":"globex"})"),
                    0, 0);
        // acme's URL jobs: every 5th of its 50,000.
        verifyRetry(
            bulk("POST", QStringLiteral("/ops/jobs/retry?status=canceled&type=url"), kAcmeAdmin),
            kPerTenant / kUrlEvery, kPerTenant / kUrlEvery);
        verifyCounts(kPerTenant / kUrlEvery, 2 * kPerTenant - kPerTenant / kUrlEvery, 0);
        // Nothing ended after a time still to come.
        const qint64 later = QDateTime::currentSecsSinceEpoch() + 3600;
        verifyRetry(
            bulk("POST",
                 QStringLiteral("/ops/jobs/retry?status=canceled&source=mail&since=%1").arg(later)),
            0, 0);
        // Source mail: acme's 25,000 less its 5,000 URL jobs queued above, and globex's 25,000.
        const int mail = kPerTenant / 2 - kPerTenant / 2 / kUrlEvery + kPerTenant / 2;
        verifyRetry(
            whileProbing("POST", QStringLiteral("/ops/jobs/retry"), kRoot,
                         R"({"status":"canceled","source":"mail","since":"2020-01-01T00:00:00Z"})"),
            mail, mail);
        const int queued = kPerTenant / kUrlEvery + mail;
        verifyCounts(queued, 2 * kPerTenant - queued, 0);
        QCOMPARE(bulk("POST", QStringLiteral("/ops/queue/empty")).value("canceled").toInt(-1),
                 queued);
        verifyCounts(0, 2 * kPerTenant, 0);
    }

    void retryAndDeleteFailedJobsByEndTime()
    {
        const qint64 dayAgo = QDateTime::currentSecsSinceEpoch() - 86400;
        const QByteArray made = m_redis.command(
            {"EVAL", kMakeFailed, "4", keys::kEndedCanceled, keys::kEndedFailed, keys::kRqCanceled,
             keys::kRqFailed, "globex", QByteArray::number(dayAgo)},
            30000); // 100,000 entries walked in one script: seconds on a loaded machine
        QCOMPARE(made.trimmed(), QByteArray(":") + QByteArray::number(kPerTenant));
        verifyCounts(0, kPerTenant, kPerTenant);
        QCOMPARE(listed(QStringLiteral("status=failed")), kPerTenant);

        const auto verifyRefused = [&](const QString &query) {
            const HttpResult refused =
                m_client->send("DELETE", QStringLiteral("/ops/jobs") + query, {}, kRoot);
            QCOMPARE(refused.status, 422);
            QCOMPARE(refused.json().value("ok").toBool(true), false);
        };
        verifyRefused(QString());
        verifyRefused(QStringLiteral("?status=queued"));
        verifyRefused(QStringLiteral("?status=started"));

        // acme has no failed job; the tenant filter cannot reach globex's.
        const QJsonObject none =
            bulk("DELETE", QStringLiteral("/ops/jobs?status=failed&tenant=globex"), kAcmeAdmin);
        QCOMPARE(none.value("matched").toInt(-1), 0);
        QCOMPARE(none.value("deleted").toInt(-1), 0);
        // The day-old failures (source notes): half of globex's.
        const QString hourAgo =
            QDateTime::currentDateTimeUtc().addSecs(-3600).toString(Qt::ISODate);
        const QJsonObject old =
            whileProbing("DELETE", QStringLiteral("/ops/jobs?status=failed&before=") + hourAgo);
        QCOMPARE(old.value("matched").toInt(-1), kPerTenant / 2);
        QCOMPARE(old.value("deleted").toInt(-1), kPerTenant / 2);
        verifyCounts(0, kPerTenant, kPerTenant / 2);

        // Failed is the default status; the remaining failures ended just now.
        verifyRetry(bulk("POST", QStringLiteral("/ops/jobs/retry?type=url&tenant=globex")),
                    kPerTenant / 2 / kUrlEvery, kPerTenant / 2 / kUrlEvery);
        verifyRetry(whileProbing("POST", QStringLiteral("/ops/jobs/retry")),
                    kPerTenant / 2 - kPerTenant / 2 / kUrlEvery,
                    kPerTenant / 2 - kPerTenant / 2 / kUrlEvery);
        verifyCounts(kPerTenant / 2, kPerTenant, 0);
        QCOMPARE(listed(QStringLiteral("status=failed")), 0);

        // Every canceled job (acme's), by a key of acme.
        const QJsonObject canceled =
            whileProbing("DELETE", QStringLiteral("/ops/jobs?status=canceled"), kAcmeAdmin);
        QCOMPARE(canceled.value("matched").toInt(-1), kPerTenant);
        QCOMPARE(canceled.value("deleted").toInt(-1), kPerTenant);
        verifyCounts(kPerTenant / 2, 0, 0);
        QCOMPARE(listed(QStringLiteral("tenant=acme")), 0);
        QCOMPARE(listed(QStringLiteral("status=queued&tenant=globex")), kPerTenant / 2);
    }
    // Deleting more than 100,000 ended jobs in one request: the 25,000 still
    // queued and 100,000 new ones emptied into canceled, then all deleted.
    void deletingEveryEndedJobAtOnce()
    {
        queueAll();
        verifyCounts(kPerTenant / 2 + 2 * kPerTenant, 0, 0);
        QCOMPARE(bulk("POST", QStringLiteral("/ops/queue/empty")).value("canceled").toInt(-1),
                 kPerTenant / 2 + 2 * kPerTenant);
        const QJsonObject deleted =
            whileProbing("DELETE", QStringLiteral("/ops/jobs?status=canceled"));
        QCOMPARE(deleted.value("matched").toInt(-1), kPerTenant / 2 + 2 * kPerTenant);
        QCOMPARE(deleted.value("deleted").toInt(-1), kPerTenant / 2 + 2 * kPerTenant);
        verifyCounts(0, 0, 0);
        QCOMPARE(listed(QString()), 0);
    }
};

QTEST_GUILESS_MAIN(TestIngestdBulk)
#include "tst_ingestd_bulk.moc"
