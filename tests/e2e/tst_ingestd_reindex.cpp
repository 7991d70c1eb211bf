// POST /ops/reindex per tenant against the real daemon and its store file: a
// tenant-bound admin re-embeds its tenant's chunks only (the others' vectors
// stay as they were, byte for byte), an operator ('*') key re-embeds every
// tenant, and one tenant may not change the store's embedder (409). The
// vectors are blanked in the store first, so a re-embedded one is visible.
#include "daemonprocess.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QJsonArray>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace aether;
using namespace aether::test;

namespace {

const Headers kEditorA{{"x-api-key", "ed-a"}};
const Headers kEditorB{{"x-api-key", "ed-b"}};
// x-tenant is not honoured for a key bound to a tenant.
const Headers kAdminA{{"x-api-key", "adm-a"}, {"x-tenant", "tenB"}};
const Headers kOperator{{"x-api-key", "adm-all"}};

struct StoredVector
{
    QString tenant;
    bool blank = false;
};

} // namespace

class TestIngestdReindex : public QObject
{
    Q_OBJECT

private:
    // Runs `work` on a connection of its own to the daemon's store file.
    void withStore(const std::function<void(QSqlDatabase &)> &work)
    {
        const QString name = QStringLiteral("reindex-test");
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(m_daemon.databasePath());
            db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
            QVERIFY2(db.open(), qPrintable(db.lastError().text()));
            work(db);
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
    }

    void exec(QSqlDatabase &db, const QString &sql)
    {
        QSqlQuery query(db);
        QVERIFY2(query.exec(sql), qPrintable(query.lastError().text()));
    }

    QList<StoredVector> vectors()
    {
        QList<StoredVector> found;
        withStore([this, &found](QSqlDatabase &db) {
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral(
                "SELECT d.tenant, v.embedding FROM vectors v JOIN chunks c ON c.id = v.chunk_id"
                " JOIN documents d ON d.id = c.document_id ORDER BY c.id")));
            while (query.next()) {
                const QByteArray embedding = query.value(1).toByteArray();
                found.append(
                    {query.value(0).toString(), embedding == QByteArray(embedding.size(), '\0')});
            }
        });
        return found;
    }

    // How many of the tenant's vectors are blank (and how many it has).
    QPair<int, int> blankOf(const QString &tenant)
    {
        int blank = 0;
        int total = 0;
        for (const StoredVector &vector : vectors()) {
            if (vector.tenant == tenant) {
                ++total;
                blank += vector.blank ? 1 : 0;
            }
        }
        return {blank, total};
    }

    void blankEveryVector()
    {
        withStore([this](QSqlDatabase &db) {
            exec(db, QStringLiteral("UPDATE vectors SET embedding = zeroblob(length(embedding))"));
        });
    }

    QString storedModel()
    {
        QString model;
        withStore([&model](QSqlDatabase &db) {
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'model'")));
            QVERIFY(query.next());
            model = query.value(0).toString();
        });
        return model;
    }

    QJsonObject reindexAs(const Headers &key)
    {
        const HttpResult reply = m_client->post(QStringLiteral("/ops/reindex"), {}, key);
        if (reply.status != 200)
            return {{"refused", reply.status}, {"error", reply.json().value("error")}};
        const QJsonObject job =
            waitForJob(*m_client, reply.json().value("job_id").toString(), nullptr, 60000);
        QJsonObject result = job.value("result").toObject();
        result.insert("status", job.value("status"));
        result.insert("answered_tenant", reply.json().value("tenant"));
        return result;
    }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = daemonEnvironment(m_redis, 1);
        env.insert(QStringLiteral("API_KEYS"),
                   QStringLiteral("ed-a:editor:tenA,ed-b:editor:tenB,adm-a:admin:tenA,"
                                  "adm-all:admin:*"));
        env.insert(QStringLiteral("ADMIN_KEY"), QStringLiteral("admin-secret-123"));
        return env;
    }

    RedisProcess m_redis;
    DaemonProcess m_daemon;
    std::unique_ptr<HttpClient> m_client;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QVERIFY2(m_daemon.start(environment()), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());
        const QList<QPair<QString, Headers>> texts{
            {QStringLiteral("Tenant A keeps bees on the roof."), kEditorA},
            {QStringLiteral("Tenant A sells the honey in May."), kEditorA},
            {QStringLiteral("Tenant B repairs bicycles."), kEditorB}};
        for (const auto &[text, key] : texts) {
            const HttpResult reply =
                m_client->postJson(QStringLiteral("/knowledge/ingest-text"), {{"text", text}}, key);
            QCOMPARE(reply.status, 200);
        }
        QCOMPARE(blankOf(QStringLiteral("tenA")), qMakePair(0, 2));
        QCOMPARE(blankOf(QStringLiteral("tenB")), qMakePair(0, 1));
    }

    void aTenantAdminReindexesOnlyItsTenant()
    {
        blankEveryVector();
        const QJsonObject result = reindexAs(kAdminA);
        QCOMPARE(result.value("status").toString(), QStringLiteral("finished"));
        QCOMPARE(blankOf(QStringLiteral("tenB")), qMakePair(1, 1)); // untouched
        QCOMPARE(blankOf(QStringLiteral("tenA")), qMakePair(0, 2)); // re-embedded
        QCOMPARE(result.value("reindexed_chunks").toInt(), 2);
        QCOMPARE(result.value("answered_tenant").toString(), QStringLiteral("tenA"));
        QCOMPARE(result.value("tenant").toString(), QStringLiteral("tenA"));
    }

    void anOperatorReindexesEveryTenant()
    {
        const QJsonObject result = reindexAs(kOperator);
        QCOMPARE(result.value("status").toString(), QStringLiteral("finished"));
        QCOMPARE(result.value("reindexed_chunks").toInt(), 3);
        QCOMPARE(blankOf(QStringLiteral("tenB")), qMakePair(0, 1));
        QCOMPARE(result.value("tenant").toString(), QStringLiteral("*"));
    }

    // Vectors of one store come from one embedder: changing it re-embeds every
    // tenant, which only an operator may start.
    void aTenantCannotChangeTheStoresEmbedder()
    {
        const QString configured = storedModel();
        withStore([this](QSqlDatabase &db) {
            exec(db,
                 QStringLiteral("UPDATE meta SET value = 'an-older-model' WHERE key = 'model'"));
        });
        const QJsonObject refused = reindexAs(kAdminA);
        QCOMPARE(refused.value("refused").toInt(), 409);
        QVERIFY2(refused.value("error").toString().contains(QLatin1String("an-older-model")),
                 qPrintable(refused.value("error").toString()));
        QCOMPARE(storedModel(), QStringLiteral("an-older-model"));

        const QJsonObject result = reindexAs(kOperator);
        QCOMPARE(result.value("status").toString(), QStringLiteral("finished"));
        QCOMPARE(storedModel(), configured);
    }

    // A store of an earlier version of the built-in hash embedder is
    // re-embedded by the daemon at start, with no admin's call; an ingest
    // sent meanwhile is stored once the new vectors are in.
    void anUpgradeOfTheBuiltInEmbedderReindexesByItself()
    {
        const QString configured = storedModel();
        m_daemon.stop();
        blankEveryVector();
        withStore([this](QSqlDatabase &db) {
            exec(db, QStringLiteral("UPDATE meta SET value = 'hash-v2' WHERE key = 'model'"));
        });
        QVERIFY2(m_daemon.start(environment()), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl()); // a new port
        const HttpResult sent = m_client->postJson(
            QStringLiteral("/knowledge/ingest-text-async"),
            {{"text", QStringLiteral("Tenant A keeps a second hive.")}}, kEditorA);
        QCOMPARE(sent.status, 200); // queued: {"ok":true,"job_id":…}

        QTRY_COMPARE_WITH_TIMEOUT(storedModel(), configured, 60000);
        QCOMPARE(blankOf(QStringLiteral("tenB")), qMakePair(0, 1));
        const QJsonObject job =
            waitForJob(*m_client, sent.json().value("job_id").toString(), nullptr, 60000);
        QCOMPARE(job.value("status").toString(), QStringLiteral("finished"));
        QCOMPARE(blankOf(QStringLiteral("tenA")), qMakePair(0, 3));
        // The daemon's output is read as the event loop turns: give it the chance.
        QTRY_VERIFY2_WITH_TIMEOUT(m_daemon.log().contains(QLatin1String("re-indexing the store")),
                                  qPrintable(m_daemon.log().right(2000)), 10000);
    }
};

QTEST_GUILESS_MAIN(TestIngestdReindex)
#include "tst_ingestd_reindex.moc"
