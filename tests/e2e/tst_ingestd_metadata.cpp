// Metadata end to end, over HTTP against the real aether-ingestd: sent with
// text, URL-less file uploads (a multipart field) and batches' jobs, stored
// with the document, returned in documents and search results, filtered on in
// search (POST `filter`, GET `meta.<key>=`), kept per tenant, and refused with a
// clear 422 when it is not a flat object within the limits.
#include "daemonprocess.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace aether;
using namespace aether::test;

namespace {

const Headers kAcme{{"x-api-key", "acme-key"}};
const Headers kGlobex{{"x-api-key", "globex-key"}};

} // namespace

class TestIngestdMetadata : public QObject
{
    Q_OBJECT

private:
    QJsonObject ingestText(const QString &text, const QJsonObject &metadata,
                           const Headers &headers = kAcme)
    {
        const HttpResult reply =
            m_client->postJson(QStringLiteral("/knowledge/ingest-text-async"),
                               {{"text", text}, {"metadata", metadata}}, headers);
        if (reply.status != 200)
            qWarning("refused: %d %s", reply.status, reply.body.constData());
        return waitForJob(*m_client, reply.json().value("job_id").toString());
    }

    QStringList searchTexts(const QJsonObject &body, const Headers &headers = kAcme)
    {
        QStringList texts;
        const HttpResult reply =
            m_client->postJson(QStringLiteral("/knowledge/search"), body, headers);
        for (const QJsonValue &hit : reply.json().value("results").toArray())
            texts.append(hit.toObject().value("text").toString());
        return texts;
    }

    RedisProcess m_redis;
    DaemonProcess m_daemon;
    std::unique_ptr<HttpClient> m_client;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QProcessEnvironment env = daemonEnvironment(m_redis, 2);
        env.insert(QStringLiteral("API_KEYS"),
                   QStringLiteral("acme-key:editor:acme,globex-key:editor:globex"));
        env.insert(QStringLiteral("ADMIN_KEY"), QStringLiteral("admin-secret-123")); // waitForJob
        env.insert(QStringLiteral("WATCH_RESCAN"), QStringLiteral("1"));
        QVERIFY2(m_daemon.start(env), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());
    }

    void metadataIsStoredReturnedAndFiltered()
    {
        const QJsonObject support = ingestText(
            QStringLiteral("Refunds for the glacier tour are handled by the support team."),
            {{"team", "support"}, {"year", 2025}, {"public", true}});
        QCOMPARE(support.value("status").toString(), QStringLiteral("finished"));
        ingestText(QStringLiteral("The glacier tour sells best in spring, says the sales team."),
                   {{"team", "sales"}, {"year", 2024}});
        // A multipart upload carries it as a JSON text field.
        Headers multipart = kAcme;
        multipart.emplaceBack("Content-Type", "multipart/form-data; boundary=M");
        const QByteArray body =
            "--M\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n"
            "{\"team\": \"support\", \"year\": 2024}\r\n"
            "--M\r\nContent-Disposition: form-data; name=\"file\"; filename=\"faq.txt\"\r\n"
            "Content-Type: text/plain\r\n\r\nGlacier tour questions: bring warm "
            "boots.\r\n--M--\r\n";
        const HttpResult uploaded =
            m_client->post(QStringLiteral("/knowledge/ingest-file-async"), body, multipart);
        QCOMPARE(uploaded.status, 200);
        QCOMPARE(waitForJob(*m_client, uploaded.json().value("job_id").toString())
                     .value("status")
                     .toString(),
                 QStringLiteral("finished"));

        // Returned as sent, in the document and in search results.
        const QJsonObject document =
            m_client
                ->get(QStringLiteral("/knowledge/documents/%1")
                          .arg(support.value("result").toObject().value("document_id").toInteger()),
                      kAcme)
                .json()
                .value("document")
                .toObject();
        QCOMPARE(document.value("metadata").toObject(),
                 QJsonObject({{"team", "support"}, {"year", 2025}, {"public", true}}));

        const QJsonObject all{{"query", "glacier tour"}, {"k", 10}, {"mode", "keyword"}};
        QCOMPARE(searchTexts(all).size(), 3);
        QJsonObject bySupport = all;
        bySupport.insert("filter", QJsonObject{{"team", "support"}});
        const QStringList supportHits = searchTexts(bySupport);
        QCOMPARE(supportHits.size(), 2);
        for (const QString &text : supportHits)
            QVERIFY(!text.contains(QStringLiteral("sales team")));
        QJsonObject byBoth = all;
        byBoth.insert("filter", QJsonObject{{"team", "support"}, {"year", 2025}});
        QCOMPARE(searchTexts(byBoth).size(), 1);
        QJsonObject byBool = all;
        byBool.insert("filter", QJsonObject{{"public", true}});
        QCOMPARE(searchTexts(byBool).size(), 1);
        // Hybrid and vector rankings are filtered too.
        QJsonObject vector = bySupport;
        vector.insert("mode", "vector");
        for (const QString &text : searchTexts(vector))
            QVERIFY2(!text.contains(QStringLiteral("sales team")), qPrintable(text));

        // GET: repeated meta.<key>=<value>.
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("q"), QStringLiteral("glacier tour"));
        query.addQueryItem(QStringLiteral("mode"), QStringLiteral("keyword"));
        query.addQueryItem(QStringLiteral("meta.team"), QStringLiteral("sales"));
        query.addQueryItem(QStringLiteral("meta.year"), QStringLiteral("2024"));
        const QJsonArray sales =
            m_client->get(QStringLiteral("/knowledge/search?") + query.toString(), kAcme)
                .json()
                .value("results")
                .toArray();
        QCOMPARE(sales.size(), 1);
        QCOMPARE(sales.first().toObject().value("metadata").toObject().value("team").toString(),
                 QStringLiteral("sales"));

        // Another tenant's filter finds none of them.
        QCOMPARE(searchTexts(bySupport, kGlobex).size(), 0);
    }

    // A batch item's own metadata goes over the batch's; the documents
    // list filters by metadata like search does, within the tenant.
    void batchItemsCarryTheirOwnMetadataAndTheListFiltersOnIt()
    {
        const HttpResult batch = m_client->postJson(
            QStringLiteral("/knowledge/ingest-batch-async"),
            {{"metadata", QJsonObject{{"project", "atlas"}, {"team", "ops"}}},
             {"items", QJsonArray{QJsonObject{{"text", "Atlas runbook: restart the collector."}},
                                  QJsonObject{{"text", "Atlas budget for the next quarter."},
                                              {"metadata", QJsonObject{{"team", "finance"}}}}}}},
            kAcme);
        QCOMPARE(batch.status, 200);
        for (const QJsonValue &id : batch.json().value("job_ids").toArray())
            QCOMPARE(waitForJob(*m_client, id.toString()).value("status").toString(),
                     QStringLiteral("finished"));
        const auto listed = [this](const QString &query, const Headers &key) {
            QStringList titles;
            for (const QJsonValue &document :
                 m_client->get(QStringLiteral("/knowledge/documents?") + query, key)
                     .json()
                     .value("documents")
                     .toArray())
                titles.append(
                    document.toObject().value("metadata").toObject().value("team").toString());
            return titles;
        };
        QCOMPARE(listed(QStringLiteral("meta.project=atlas&meta.team=finance"), kAcme),
                 QStringList{QStringLiteral("finance")});
        QCOMPARE(listed(QStringLiteral("meta.project=atlas&meta.team=ops"), kAcme),
                 QStringList{QStringLiteral("ops")});
        QCOMPARE(listed(QStringLiteral("meta.project=atlas"), kAcme).size(), 2);
        QVERIFY(listed(QStringLiteral("meta.project=atlas"), kGlobex).isEmpty());
        QCOMPARE(m_client->get(QStringLiteral("/knowledge/documents?meta.project=atlas"), kAcme)
                     .json()
                     .value("total")
                     .toInt(),
                 2);

        // An item's metadata is checked as the batch's is, and named.
        const HttpResult refused = m_client->postJson(
            QStringLiteral("/knowledge/ingest-batch-async"),
            {{"items", QJsonArray{QJsonObject{{"text", "fine"}},
                                  QJsonObject{{"text", "not fine"},
                                              {"metadata", QJsonObject{{"x", QJsonArray{}}}}}}}},
            kAcme);
        QCOMPARE(refused.status, 422);
        QVERIFY2(refused.json().value("error").toString().contains(QStringLiteral("items[1]")),
                 refused.body.constData());
    }

    // The same text again with other metadata is a duplicate whose metadata
    // is replaced: the filter finds it by the new value, not the old.
    void aReingestWithNewMetadataUpdatesIt()
    {
        const QString text = QStringLiteral("Moraine lakes are dammed by glacial debris.");
        const QJsonObject first = ingestText(text, {{"stage", "draft"}});
        const QJsonObject again = ingestText(text, {{"stage", "final"}});
        const QJsonObject result = again.value("result").toObject();
        QCOMPARE(result.value("duplicate").toBool(), true);
        QCOMPARE(result.value("metadata_updated").toBool(), true);
        QCOMPARE(result.value("document_id").toInteger(),
                 first.value("result").toObject().value("document_id").toInteger());
        QJsonObject byStage{{"query", "moraine lakes"},
                            {"filter", QJsonObject{{"stage", "final"}}}};
        QCOMPARE(searchTexts(byStage).size(), 1);
        byStage.insert("filter", QJsonObject{{"stage", "draft"}});
        QCOMPARE(searchTexts(byStage).size(), 0);
        const QJsonObject same = ingestText(text, {{"stage", "final"}});
        QVERIFY(!same.value("result").toObject().contains("metadata_updated"));
    }

    // A watch's metadata goes to every file's document; a file's sidecar
    // "<name>.meta.json" adds to it and wins, is never a document itself, and
    // when it changes its file is ingested again; a bad sidecar skips its
    // file, and the watch says why.
    void watchedFoldersTakeMetadataAndSidecars()
    {
        QTemporaryDir folder;
        const auto write = [&folder](const QString &name, const QByteArray &bytes) {
            QFile file(folder.filePath(name));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(bytes);
        };
        write(QStringLiteral("a.txt"), "Alpine huts open in June for the summer season.");
        write(QStringLiteral("a.txt.meta.json"), R"({"team": "guides", "season": "summer"})");
        write(QStringLiteral("b.txt"), "Bivouac rules for the winter traverse.");
        write(QStringLiteral("c.txt"), "Crampon care after every outing.");
        write(QStringLiteral("c.txt.meta.json"), "[1, 2]");
        const Headers operatorForAcme{{"x-admin-key", "admin-secret-123"}, {"x-tenant", "acme"}};
        const HttpResult watch =
            m_client->postJson(QStringLiteral("/ops/watches"),
                               {{"path", folder.path()},
                                {"source", "notes"},
                                {"metadata", QJsonObject{{"team", "office"}, {"kind", "note"}}}},
                               operatorForAcme);
        QCOMPARE(watch.status, 200);
        const auto documents = [this] {
            QHash<QString, QJsonObject> byName;
            for (const QJsonValue &document :
                 m_client->get(QStringLiteral("/knowledge/documents?source=notes"), kAcme)
                     .json()
                     .value("documents")
                     .toArray())
                byName.insert(document.toObject().value("filename").toString(),
                              document.toObject().value("metadata").toObject());
            return byName;
        };
        QTRY_COMPARE_WITH_TIMEOUT(documents().size(), 2, 20000);
        QHash<QString, QJsonObject> stored = documents();
        QCOMPARE(stored.value("a.txt"),
                 (QJsonObject{{"team", "guides"}, {"season", "summer"}, {"kind", "note"}}));
        QCOMPARE(stored.value("b.txt"), (QJsonObject{{"team", "office"}, {"kind", "note"}}));
        QVERIFY(!stored.contains("c.txt") && !stored.contains("a.txt.meta.json"));
        const QJsonArray watches = m_client->get(QStringLiteral("/ops/watches"), operatorForAcme)
                                       .json()
                                       .value("watches")
                                       .toArray();
        QVERIFY(!watches.isEmpty());
        QVERIFY2(watches.first()
                     .toObject()
                     .value("last_error")
                     .toString()
                     .contains(QStringLiteral("c.txt.meta.json")),
                 QJsonDocument(watches).toJson().constData());

        // A sidecar that is a symlink is not read (it could lead anywhere).
        QTemporaryDir elsewhere;
        QFile secret(elsewhere.filePath(QStringLiteral("secret.json")));
        QVERIFY(secret.open(QIODevice::WriteOnly));
        secret.write(R"({"password": "hunter2"})");
        secret.close();
        write(QStringLiteral("d.txt"), "Descent routes after a storm.");
        QVERIFY(QFile::link(secret.fileName(), folder.filePath(QStringLiteral("d.txt.meta.json"))));
        write(QStringLiteral("b.txt.meta.json"), R"({"team": "rescue"})");
        QTRY_COMPARE_WITH_TIMEOUT(documents().value("b.txt").value("team").toString(),
                                  QStringLiteral("rescue"), 20000);
        QCOMPARE(documents().size(), 2); // the same document, its metadata replaced
        QVERIFY(!documents().contains("d.txt"));
    }

    void badMetadataIsAClearError()
    {
        const auto refused = [this](const QJsonValue &metadata) {
            const HttpResult reply =
                m_client->postJson(QStringLiteral("/knowledge/ingest-text-async"),
                                   {{"text", "anything"}, {"metadata", metadata}}, kAcme);
            return QPair<int, QString>(reply.status, reply.json().value("detail").toString() +
                                                         reply.json().value("error").toString());
        };
        QJsonObject many;
        for (int i = 0; i < 65; ++i)
            many.insert(QStringLiteral("k%1").arg(i), i);
        QJsonObject sixtyFour = many;
        sixtyFour.remove(QStringLiteral("k64"));
        QCOMPARE(refused(many).first, 422);
        QVERIFY2(refused(many).second.contains(QStringLiteral("at most 64")),
                 qPrintable(refused(many).second));
        QCOMPARE(m_client
                     ->postJson(QStringLiteral("/knowledge/ingest-text-async"),
                                {{"text", "sixty-four keys"}, {"metadata", sixtyFour}}, kAcme)
                     .status,
                 200);
        QCOMPARE(refused(QJsonObject{{"big", QString(9000, u'x')}}).first, 422);
        const auto nested = refused(QJsonObject{{"owner", QJsonObject{{"name", "x"}}}});
        QCOMPARE(nested.first, 422);
        QVERIFY2(nested.second.contains(QStringLiteral("'owner'")), qPrintable(nested.second));
        QCOMPARE(refused(QJsonObject{{"tags", QJsonArray{"a"}}}).first, 422);
        QCOMPARE(refused(QJsonObject{{"bad key!", 1}}).first, 422);
        QCOMPARE(refused(QJsonArray{1, 2}).first, 422);
        QCOMPARE(refused(QStringLiteral("team=support")).first, 422);
        const HttpResult badFilter = m_client->postJson(
            QStringLiteral("/knowledge/search"),
            {{"query", "x"}, {"filter", QJsonObject{{"a", QJsonArray{}}}}}, kAcme);
        QCOMPARE(badFilter.status, 422);
    }
};

QTEST_GUILESS_MAIN(TestIngestdMetadata)
#include "tst_ingestd_metadata.moc"
