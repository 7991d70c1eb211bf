// Scheduled refresh of a URL against the real daemon, Redis and a loopback
// site: `refresh` on a URL ingest makes a schedule, listed in GET /ops/refresh;
// a run sends the stored page's ETag, and a 304 leaves the document as it is;
// a changed page replaces it; schedules are kept per tenant; DELETE cancels.
#include "daemonprocess.h"
#include "fixturehttpserver.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace aether;
using namespace aether::test;

namespace {

const Headers kEditorA{{"x-api-key", "ed-a"}};
const Headers kAdminA{{"x-api-key", "adm-a"}};
const Headers kAdminB{{"x-api-key", "adm-b"}};

FixtureResponse page(const QByteArray &etag, const QByteArray &text)
{
    return FixtureResponse{200,
                           "OK",
                           {{"Content-Type", "text/html; charset=utf-8"}, {"ETag", etag}},
                           "<html><head><title>Field notes</title></head><body><main><p>" + text +
                               "</p></main></body></html>",
                           0};
}

} // namespace

class TestIngestdRefresh : public QObject
{
    Q_OBJECT

private:
    QJsonObject ingest(const QJsonObject &body)
    {
        const HttpResult reply =
            m_client->postJson(QStringLiteral("/knowledge/ingest-url-async"), body, kEditorA);
        if (reply.status != 200)
            return {{"refused", reply.status}, {"error", reply.json().value("error")}};
        return reply.json();
    }

    QJsonObject finished(const QString &jobId)
    {
        return waitForJob(*m_client, jobId, nullptr, 30000);
    }

    QJsonArray schedules(const Headers &key)
    {
        return m_client->get(QStringLiteral("/ops/refresh"), key)
            .json()
            .value("refreshes")
            .toArray();
    }

    QJsonObject runNow(const QString &id, const Headers &key = kAdminA)
    {
        const HttpResult reply =
            m_client->post(QStringLiteral("/ops/refresh/%1/run").arg(id), {}, key);
        if (reply.status != 200)
            return {{"refused", reply.status}};
        return finished(reply.json().value("job_id").toString());
    }

    QStringList found(const QString &query)
    {
        QStringList texts;
        const HttpResult reply =
            m_client->postJson(QStringLiteral("/knowledge/search"), {{"query", query}}, kEditorA);
        for (const QJsonValue &hit : reply.json().value("results").toArray())
            texts.append(hit.toObject().value("text").toString());
        return texts;
    }

    RedisProcess m_redis;
    FixtureHttpServer m_site;
    DaemonProcess m_daemon;
    std::unique_ptr<HttpClient> m_client;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QProcessEnvironment env = daemonEnvironment(m_redis, 1);
        env.insert(QStringLiteral("API_KEYS"),
                   QStringLiteral("ed-a:editor:tenA,adm-a:admin:tenA,adm-b:admin:tenB"));
        env.insert(QStringLiteral("ADMIN_KEY"), QStringLiteral("admin-secret-123"));
        env.insert(QStringLiteral("URL_ALLOW_PRIVATE"), QStringLiteral("1")); // the loopback site
        QVERIFY2(m_daemon.start(env), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());
    }

    void aBadIntervalIsRefused()
    {
        for (const char *every : {"weekly", "0h", "8761h", "1.5h", ""}) {
            const QJsonObject refused =
                ingest({{"url", QString::fromLatin1(m_site.url("/never"))}, {"refresh", every}});
            QCOMPARE(refused.value("refused").toInt(), 422);
            QVERIFY2(refused.value("error").toString().contains(QLatin1String("'refresh'")), every);
        }
        QCOMPARE(m_site.requestCount("/never"), 0);
        QVERIFY(schedules(kAdminA).isEmpty());
    }

    void aRefreshKeepsAnUnchangedPageAndReplacesAChangedOne()
    {
        m_site.setSequence("/notes",
                           {page("\"v1\"", "Glaciers carve deep valleys in the mountains."),
                            FixtureResponse{304, "Not Modified", {{"ETag", "\"v1\""}}, {}, 0},
                            page("\"v2\"", "Volcanoes build new islands in the ocean.")});
        const QString url = QString::fromLatin1(m_site.url("/notes"));
        const QJsonObject queued = ingest({{"url", url}, {"refresh", "1h"}});
        const QString refreshId = queued.value("refresh_id").toString();
        QVERIFY2(!refreshId.isEmpty(), QJsonDocument(queued).toJson());
        const QJsonObject first = finished(queued.value("job_id").toString());
        QCOMPARE(first.value("status").toString(), QStringLiteral("finished"));
        const int documentId = first.value("result").toObject().value("document_id").toInt();

        const QJsonArray listed = schedules(kAdminA);
        QCOMPARE(listed.size(), 1);
        const QJsonObject schedule = listed.first().toObject();
        QCOMPARE(schedule.value("id").toString(), refreshId);
        QCOMPARE(schedule.value("url").toString(), url);
        QCOMPARE(schedule.value("every_seconds").toInt(), 3600);
        QCOMPARE(schedule.value("last_status").toString(), QStringLiteral("finished"));
        const QDateTime next =
            QDateTime::fromString(schedule.value("next_at").toString(), Qt::ISODateWithMs);
        QVERIFY(next > QDateTime::currentDateTimeUtc().addSecs(3500));

        // The server answers 304 to the stored ETag: nothing changes.
        const QJsonObject unchanged = runNow(refreshId);
        QCOMPARE(unchanged.value("status").toString(), QStringLiteral("finished"));
        QVERIFY2(m_site.lastRequestHead("/notes").contains("If-None-Match: \"v1\""),
                 m_site.lastRequestHead("/notes").constData());
        QCOMPARE(unchanged.value("result").toObject().value("unchanged").toBool(), true);
        QCOMPARE(unchanged.value("result").toObject().value("document_id").toInt(), documentId);
        QCOMPARE(m_client->get(QStringLiteral("/knowledge/documents/%1").arg(documentId), kEditorA)
                     .status,
                 200);

        // Changed: the document is replaced, its old text gone from search.
        const QJsonObject changed = runNow(refreshId);
        const QJsonObject result = changed.value("result").toObject();
        QCOMPARE(result.value("unchanged").toBool(), false);
        QCOMPARE(result.value("replaced_document_id").toInt(), documentId);
        QCOMPARE(m_client->get(QStringLiteral("/knowledge/documents/%1").arg(documentId), kEditorA)
                     .status,
                 404);
        QCOMPARE(found(QStringLiteral("volcanoes islands")).size(), 1);
        QVERIFY(found(QStringLiteral("glaciers valleys")).isEmpty());
        QCOMPARE(m_site.requestCount("/notes"), 3);
    }

    // A batch's URL items take `refresh` too; a text item or a bad one is
    // refused with the item named, and a refused batch leaves no schedule.
    void batchItemsAreRefreshedToo()
    {
        m_site.setResponse("/batch-page", page("\"b1\"", "Moraines mark where glaciers stood."));
        const QString url = QString::fromLatin1(m_site.url("/batch-page"));
        const auto batch = [this](const QJsonArray &items) {
            return m_client->postJson(QStringLiteral("/knowledge/ingest-batch-async"),
                                      {{"items", items}}, kEditorA);
        };
        const HttpResult textItem = batch({QJsonObject{{"url", url}, {"refresh", "2h"}},
                                           QJsonObject{{"text", "not a page"}, {"refresh", "2h"}}});
        QCOMPARE(textItem.status, 422);
        QVERIFY2(textItem.json().value("error").toString().contains(QLatin1String("items[1]")),
                 textItem.body.constData());
        QCOMPARE(batch({QJsonObject{{"url", url}, {"refresh", "weekly"}}}).status, 422);
        QCOMPARE(schedules(kAdminA).size(), 1); // only the one of the test before

        const HttpResult accepted = batch({QJsonObject{{"url", url}, {"refresh", "2h"}}});
        QCOMPARE(accepted.status, 200);
        finished(accepted.json().value("job_ids").toArray().first().toString());
        bool listed = false;
        for (const QJsonValue &schedule : schedules(kAdminA)) {
            if (schedule.toObject().value("url").toString() == url) {
                listed = true;
                QCOMPARE(schedule.toObject().value("every_seconds").toInt(), 7200);
                QCOMPARE(schedule.toObject().value("last_status").toString(),
                         QStringLiteral("finished"));
                QCOMPARE(m_client
                             ->send("DELETE",
                                    QStringLiteral("/ops/refresh/") +
                                        schedule.toObject().value("id").toString(),
                                    {}, kAdminA)
                             .status,
                         200);
            }
        }
        QVERIFY(listed);
    }

    void schedulesAreKeptPerTenantAndCancelled()
    {
        const QString id = schedules(kAdminA).first().toObject().value("id").toString();
        QVERIFY(schedules(kAdminB).isEmpty());
        QCOMPARE(m_client->send("DELETE", QStringLiteral("/ops/refresh/") + id, {}, kAdminB).status,
                 404);
        QCOMPARE(runNow(id, kAdminB).value("refused").toInt(), 404);

        // The same URL again: its schedule changes, no second one.
        const QJsonObject again =
            ingest({{"url", QString::fromLatin1(m_site.url("/notes"))}, {"refresh", "daily"}});
        QCOMPARE(again.value("refresh_id").toString(), id);
        finished(again.value("job_id").toString());
        const QJsonArray listed = schedules(kAdminA);
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.first().toObject().value("refresh").toString(), QStringLiteral("daily"));

        QCOMPARE(m_client->send("DELETE", QStringLiteral("/ops/refresh/") + id, {}, kAdminA).status,
                 200);
        QVERIFY(schedules(kAdminA).isEmpty());
        QCOMPARE(runNow(id).value("refused").toInt(), 404);
    }
};

QTEST_GUILESS_MAIN(TestIngestdRefresh)
#include "tst_ingestd_refresh.moc"
