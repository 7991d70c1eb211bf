// The knowledge API end to end, against the real aether-ingestd with keys
// bound to two tenants: synchronous ingest, duplicates and replacement, the
// documents API, tenant isolation of every read and delete, and re-indexing.
#include "daemonprocess.h"
#include "fixturehttpserver.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QJsonArray>
#include <QTest>
#include <QUrlQuery>

using namespace aether;
using namespace aether::test;

namespace {

const Headers kAcme{{"x-api-key", "acme-key"}};
const Headers kGlobex{{"x-api-key", "globex-key"}};
const Headers kAcmeViewer{{"x-api-key", "acme-viewer"}};
const Headers kOps{{"x-admin-key", "admin-secret-123"}}; // as waitForJob uses

} // namespace

class TestIngestdKnowledge : public QObject
{
    Q_OBJECT

private:
    HttpResult ingestText(const QString &text, const Headers &headers)
    {
        return m_client->postJson(QStringLiteral("/knowledge/ingest-text"),
                                  {{"text", text}, {"source", "notes"}}, headers);
    }

    HttpResult ingestFile(const QByteArray &name, const QByteArray &bytes, const Headers &headers)
    {
        Headers withType = headers;
        withType.emplaceBack("Content-Type", "multipart/form-data; boundary=b0undary");
        return m_client->post(QStringLiteral("/knowledge/ingest-file"),
                              HttpClient::multipart("b0undary", name, bytes, {}, "text/plain"),
                              withType);
    }

    QJsonArray search(const QString &q, const Headers &headers)
    {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("q"), q);
        return m_client
            ->get(QStringLiteral("/knowledge/search?") + query.toString(QUrl::FullyEncoded),
                  headers)
            .json()
            .value("results")
            .toArray();
    }

    static bool mentions(const QJsonArray &results, const QString &word)
    {
        for (const QJsonValue &hit : results) {
            if (hit.toObject().value("text").toString().contains(word))
                return true;
        }
        return false;
    }

    RedisProcess m_redis;
    DaemonProcess m_daemon;
    FixtureHttpServer m_web;
    std::unique_ptr<HttpClient> m_client;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QProcessEnvironment env = daemonEnvironment(m_redis, 2);
        env.insert(QStringLiteral("API_KEYS"),
                   QStringLiteral("acme-key:editor:acme,globex-key:editor:globex,"
                                  "acme-viewer:viewer:acme"));
        env.insert(QStringLiteral("ADMIN_KEY"), QStringLiteral("admin-secret-123"));
        env.insert(QStringLiteral("URL_ALLOW_PRIVATE"), QStringLiteral("1"));
        QVERIFY2(m_daemon.start(env), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());
    }

    void synchronousIngestAnswersWithTheResult()
    {
        const HttpResult reply =
            ingestText(QStringLiteral("Marmalade needs Seville oranges and patience."), kAcme);
        QCOMPARE(reply.status, 200);
        const QJsonObject result = reply.json();
        QCOMPARE(result.value("ok").toBool(), true);
        QCOMPARE(result.value("status").toString(), QStringLiteral("finished"));
        QVERIFY(!result.value("job_id").toString().isEmpty());
        QCOMPARE(result.value("ingested_chunks").toInt(), 1);
        QCOMPARE(result.value("duplicate").toBool(), false);
        QCOMPARE(result.value("detected_type").toString(), QStringLiteral("text"));
        QCOMPARE(result.value("tenant").toString(), QStringLiteral("acme"));
        QVERIFY(result.value("document_id").toInteger() > 0);
        QVERIFY(mentions(search(QStringLiteral("seville marmalade"), kAcmeViewer),
                         QStringLiteral("Seville")));
    }

    // A text sent with a title is listed and found by it, and its job is named by it.
    void aTextsTitleNamesItsDocumentAndJob()
    {
        const QString title = QStringLiteral("Quince paste, the Spanish way");
        const HttpResult reply = m_client->postJson(
            QStringLiteral("/knowledge/ingest-text"),
            {{"text", QStringLiteral("Membrillo sets overnight in a shallow tin.")},
             {"source", "notes"},
             {"title", title}},
            kAcme);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value("title").toString(), title);
        const QString job = reply.json().value("job_id").toString();
        QCOMPARE(
            m_client->get(QStringLiteral("/ops/jobs/") + job, kOps).json().value("name").toString(),
            title);
        const QJsonArray listed =
            m_client->get(QStringLiteral("/knowledge/documents?q=quince"), kAcme)
                .json()
                .value("documents")
                .toArray();
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.first().toObject().value("title").toString(), title);
        const QString path = QStringLiteral("/knowledge/documents/%1")
                                 .arg(reply.json().value("document_id").toInteger());
        QCOMPARE(m_client->send("DELETE", path, {}, kAcme).status, 200); // as it was

        const auto sent = [this](const QJsonValue &badTitle) {
            return m_client
                ->postJson(QStringLiteral("/knowledge/ingest-text-async"),
                           {{"text", QStringLiteral("x")}, {"title", badTitle}}, kAcme)
                .status;
        };
        QCOMPARE(sent(QStringLiteral("two\nlines")), 422);
        QCOMPARE(sent(QString(301, QLatin1Char('t'))), 422);
        QCOMPARE(sent(42), 422);
    }

    void theSameTextAgainIsADuplicate()
    {
        const QString text = QStringLiteral("Quince paste sets firm overnight.");
        const QJsonObject first = ingestText(text, kAcme).json();
        const QJsonObject again = ingestText(text, kAcme).json();
        QCOMPARE(again.value("duplicate").toBool(), true);
        QCOMPARE(again.value("ingested_chunks").toInt(), 0);
        QCOMPARE(again.value("document_id").toInteger(), first.value("document_id").toInteger());
        // Through the queue as well: one copy however many times it arrives.
        const HttpResult queued = m_client->postJson(QStringLiteral("/knowledge/ingest-text-async"),
                                                     {{"text", text}, {"source", "notes"}}, kAcme);
        const QJsonObject job =
            waitForJob(*m_client, queued.json().value("job_id").toString(), nullptr, 30000);
        QCOMPARE(job.value("result").toObject().value("duplicate").toBool(), true);
        int copies = 0;
        for (const QJsonValue &hit : search(QStringLiteral("quince paste"), kAcmeViewer))
            copies += hit.toObject().value("text").toString().contains(QStringLiteral("Quince"));
        QCOMPARE(copies, 1);
    }

    void aNewVersionOfAFileReplacesTheOld()
    {
        const QJsonObject first =
            ingestFile("recipe.txt", "Bake the loaf with rye flour.", kAcme).json();
        QCOMPARE(first.value("filename").toString(), QStringLiteral("recipe.txt"));
        const QJsonObject second =
            ingestFile("recipe.txt", "Bake the loaf with spelt flour.", kAcme).json();
        QCOMPARE(second.value("status").toString(), QStringLiteral("finished"));
        QCOMPARE(second.value("replaced_document_id").toInteger(),
                 first.value("document_id").toInteger());
        QVERIFY(!mentions(search(QStringLiteral("rye"), kAcmeViewer), QStringLiteral("rye")));
        QVERIFY(mentions(search(QStringLiteral("spelt"), kAcmeViewer), QStringLiteral("spelt")));
        const QJsonObject old = m_client
                                    ->get(QStringLiteral("/knowledge/documents/%1")
                                              .arg(first.value("document_id").toInteger()),
                                          kAcme)
                                    .json();
        QCOMPARE(old.value("error").toString(), QStringLiteral("Document not found"));
    }

    void documentsArePagedAndDescribed()
    {
        const HttpResult all = m_client->get(QStringLiteral("/knowledge/documents"), kAcmeViewer);
        QCOMPARE(all.status, 200);
        const qint64 total = all.json().value("total").toInteger();
        QCOMPARE(total, 3); // marmalade, quince, the spelt recipe
        const QJsonArray page =
            m_client->get(QStringLiteral("/knowledge/documents?limit=2&offset=1"), kAcmeViewer)
                .json()
                .value("documents")
                .toArray();
        QCOMPARE(page.size(), 2);
        const QJsonObject document = all.json().value("documents").toArray().first().toObject();
        QCOMPARE(document.value("filename").toString(), QStringLiteral("recipe.txt"));
        QCOMPARE(document.value("chunks").toInt(), 1);
        const QJsonObject shown = m_client
                                      ->get(QStringLiteral("/knowledge/documents/%1")
                                                .arg(document.value("document_id").toInteger()),
                                            kAcmeViewer)
                                      .json()
                                      .value("document")
                                      .toObject();
        QCOMPARE(shown.value("source").toString(), QStringLiteral("uploads"));
        QCOMPARE(m_client->get(QStringLiteral("/knowledge/documents?source=nope"), kAcme)
                     .json()
                     .value("total")
                     .toInt(),
                 0);
        QCOMPARE(m_client->get(QStringLiteral("/knowledge/documents?limit=0"), kAcme).status, 422);
        QCOMPARE(m_client->get(QStringLiteral("/knowledge/documents/abc"), kAcme).status, 404);
    }

    // The Documents tab's filter and pages: `q` over title, source, type, file
    // name and URL, taken literally; pages by before_id; total of the filtered set.
    void documentsAreFilteredAndPagedById()
    {
        const auto totalOf = [this](const QString &query) {
            return m_client->get(QStringLiteral("/knowledge/documents?") + query, kAcmeViewer)
                .json()
                .value("total")
                .toInt();
        };
        QCOMPARE(totalOf(QStringLiteral("q=RECIPE")), 1); // the file name, any case
        QCOMPARE(totalOf(QStringLiteral("q=note")), 2);   // the source
        QCOMPARE(totalOf(QStringLiteral("q=text")), 3);   // the type
        QCOMPARE(totalOf(QStringLiteral("q=%25")), 0);    // "%" is no wildcard
        QCOMPARE(totalOf(QStringLiteral("q=r_cipe")), 0); // nor is "_"
        QCOMPARE(totalOf(QStringLiteral("q=notes&source=uploads")), 0);
        QCOMPARE(totalOf(QStringLiteral("q=recipe&source=uploads")), 1);

        const QJsonObject first =
            m_client->get(QStringLiteral("/knowledge/documents?limit=2"), kAcmeViewer).json();
        const QJsonArray firstPage = first.value("documents").toArray();
        QCOMPARE(firstPage.size(), 2);
        const qint64 next = first.value("next_before_id").toInteger();
        QCOMPARE(next, firstPage.last().toObject().value("document_id").toInteger());
        const QJsonObject second =
            m_client
                ->get(QStringLiteral("/knowledge/documents?limit=2&before_id=%1").arg(next),
                      kAcmeViewer)
                .json();
        const QJsonArray secondPage = second.value("documents").toArray();
        QCOMPARE(secondPage.size(), 1);
        QVERIFY(secondPage.first().toObject().value("document_id").toInteger() < next);
        QVERIFY(second.value("next_before_id").isNull()); // the last page
        QCOMPARE(second.value("total").toInt(), 3);
        QCOMPARE(m_client->get(QStringLiteral("/knowledge/documents?before_id=0"), kAcme).status,
                 422);
        QCOMPARE(m_client->get(QStringLiteral("/knowledge/documents?before_id=x"), kAcme).status,
                 422);
        // A filter longer than any title is refused as such, not as a store outage.
        const HttpResult tooLong = m_client->get(
            QStringLiteral("/knowledge/documents?q=") + QString(257, QLatin1Char('%')), kAcme);
        QCOMPARE(tooLong.status, 422);
        QVERIFY(tooLong.json().value("error").toString().contains(QLatin1String("'q'")));
        QCOMPARE(
            m_client
                ->get(QStringLiteral("/knowledge/documents?q=") + QString(256, QLatin1Char('x')),
                      kAcme)
                .status,
            200);
    }

    void sourcesAreCountedForTheTenant()
    {
        const HttpResult acme = m_client->get(QStringLiteral("/knowledge/sources"), kAcmeViewer);
        QCOMPARE(acme.status, 200);
        const QJsonArray sources = acme.json().value("sources").toArray();
        QCOMPARE(sources.size(), 2);
        QCOMPARE(sources[0].toObject().value("source").toString(), QStringLiteral("notes"));
        QCOMPARE(sources[0].toObject().value("documents").toInt(), 2);
        QCOMPARE(sources[1].toObject().value("source").toString(), QStringLiteral("uploads"));
        QCOMPARE(sources[1].toObject().value("documents").toInt(), 1);
        QCOMPARE(m_client->get(QStringLiteral("/knowledge/sources"), kGlobex)
                     .json()
                     .value("sources")
                     .toArray()
                     .size(),
                 0);
        QCOMPARE(m_client->get(QStringLiteral("/knowledge/sources")).status, 401);
    }

    // The text comes back as it was sent, though its chunks overlap; only the
    // owner's keys read it.
    void theStoredTextIsReadBack()
    {
        QStringList sentences;
        for (int i = 0; i < 60; ++i)
            sentences
                << QStringLiteral("Sentence %1 of the long field guide about cirques.").arg(i);
        const QString text = sentences.join(u' ');
        const QJsonObject stored = ingestText(text, kAcme).json();
        QVERIFY(stored.value("ingested_chunks").toInt() > 2);
        const QString path =
            QStringLiteral("/knowledge/documents/%1").arg(stored.value("document_id").toInteger());
        const HttpResult read = m_client->get(path + QStringLiteral("/text"), kAcmeViewer);
        QCOMPARE(read.status, 200);
        QCOMPARE(read.json().value("text").toString(), text);
        QCOMPARE(read.json().value("characters").toInt(), text.size());
        QCOMPARE(read.json().value("truncated").toBool(), false);
        QCOMPARE(read.json().value("document_id").toInteger(),
                 stored.value("document_id").toInteger());
        // A preview asks for the start only.
        const HttpResult start =
            m_client->get(path + QStringLiteral("/text?max_characters=100"), kAcmeViewer);
        QCOMPARE(start.json().value("text").toString(), text.left(100));
        QCOMPARE(start.json().value("truncated").toBool(), true);
        QCOMPARE(m_client->get(path + QStringLiteral("/text?max_characters=0"), kAcme).status, 422);
        QCOMPARE(m_client->get(path + QStringLiteral("/text"), kGlobex).status, 404);
        QCOMPARE(m_client->get(QStringLiteral("/knowledge/documents/999999/text"), kAcme).status,
                 404);
        QCOMPARE(m_client->send("DELETE", path, {}, kAcme).status, 200); // as it was
    }

    // The chunks as stored, a page at a time, in order, and only for their tenant.
    void theChunksArePagedInOrder()
    {
        QStringList sentences;
        for (int i = 0; i < 80; ++i)
            sentences << QStringLiteral("Sentence %1 of the guide to eskers and drumlins.").arg(i);
        const QJsonObject stored = ingestText(sentences.join(u' '), kAcme).json();
        const int total = stored.value("ingested_chunks").toInt();
        QVERIFY(total >= 3);
        const QString path = QStringLiteral("/knowledge/documents/%1/chunks")
                                 .arg(stored.value("document_id").toInteger());
        QList<int> positions;
        QStringList texts;
        QJsonValue after;
        for (int pages = 0; pages < total + 1; ++pages) {
            const QString query = after.isNull() || after.isUndefined()
                                      ? QStringLiteral("?limit=2")
                                      : QStringLiteral("?limit=2&after=%1").arg(after.toInt());
            const HttpResult page = m_client->get(path + query, kAcmeViewer);
            QCOMPARE(page.status, 200);
            for (const QJsonValue &chunk : page.json().value("chunks").toArray()) {
                positions.append(chunk.toObject().value("position").toInt());
                texts.append(chunk.toObject().value("text").toString());
                QVERIFY(chunk.toObject().value("chunk_id").toInteger() > 0);
                QVERIFY(chunk.toObject().value("end_offset").toInteger() >
                        chunk.toObject().value("start_offset").toInteger());
            }
            after = page.json().value("next_after");
            if (after.isNull())
                break;
        }
        QCOMPARE(positions.size(), total);
        for (int i = 0; i < positions.size(); ++i)
            QCOMPARE(positions[i], i);
        QVERIFY(texts.first().startsWith(QStringLiteral("Sentence 0 ")));
        QVERIFY(texts.last().contains(QStringLiteral("Sentence 79 ")));
        QCOMPARE(m_client->get(path, kGlobex).status, 404);
        QCOMPARE(m_client->get(path + QStringLiteral("?limit=501"), kAcme).status, 422);
        QCOMPARE(m_client->get(path + QStringLiteral("?after=x"), kAcme).status, 422);
        QCOMPARE(m_client->send("DELETE", path.chopped(7), {}, kAcme).status, 200); // as it was
    }

    void anotherTenantSeesNothingAndDeletesNothing()
    {
        const qint64 acmeDocument =
            ingestText(QStringLiteral("Acme's secret glaze uses tamarind."), kAcme)
                .json()
                .value("document_id")
                .toInteger();
        ingestText(QStringLiteral("Globex paints its vans teal."), kGlobex);
        const QString path = QStringLiteral("/knowledge/documents/%1").arg(acmeDocument);
        QCOMPARE(m_client->get(path, kGlobex).status, 404);
        QCOMPARE(m_client->send("DELETE", path, {}, kGlobex).status, 404);
        QVERIFY(!mentions(search(QStringLiteral("tamarind glaze"), kGlobex),
                          QStringLiteral("tamarind")));
        QCOMPARE(m_client->get(QStringLiteral("/knowledge/documents"), kGlobex)
                     .json()
                     .value("total")
                     .toInt(),
                 1);
        // The owner's viewer may read but not delete; its editor deletes.
        QCOMPARE(m_client->send("DELETE", path, {}, kAcmeViewer).status, 403);
        const HttpResult removed = m_client->send("DELETE", path, {}, kAcme);
        QCOMPARE(removed.status, 200);
        QCOMPARE(m_client->get(path, kAcme).status, 404);
        QVERIFY(!mentions(search(QStringLiteral("tamarind glaze"), kAcmeViewer),
                          QStringLiteral("tamarind")));
    }

    void aFailedSynchronousJobIsAClearError()
    {
        m_web.setResponse("/gone", FixtureResponse{404, "Not Found", {}, "no", 0});
        const HttpResult reply = m_client->postJson(
            QStringLiteral("/knowledge/ingest-url"),
            {{"url", QString::fromLatin1(m_web.url("/gone"))}, {"max_attempts", 1}}, kAcme);
        QCOMPARE(reply.status, 422);
        QCOMPARE(reply.json().value("error").toString(),
                 QStringLiteral("HTTPError: 404 Not Found"));
        QCOMPARE(reply.json().value("status").toString(), QStringLiteral("failed"));
        QVERIFY(!reply.json().value("job_id").toString().isEmpty());
    }

    void reindexReembedsEveryChunkAsAJob()
    {
        QCOMPARE(m_client->post(QStringLiteral("/ops/reindex"), {}, kAcme).status, 403);
        const HttpResult reply = m_client->post(QStringLiteral("/ops/reindex"), {}, kOps);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value("type").toString(), QStringLiteral("reindex"));
        const QJsonObject job =
            waitForJob(*m_client, reply.json().value("job_id").toString(), nullptr, 60000);
        QCOMPARE(job.value("status").toString(), QStringLiteral("finished"));
        const QJsonObject result = job.value("result").toObject();
        QCOMPARE(result.value("reindexed_chunks").toInt(), 4); // both tenants' chunks
        QCOMPARE(result.value("dimension").toInt(), 384);
        QVERIFY(
            mentions(search(QStringLiteral("spelt loaf"), kAcmeViewer), QStringLiteral("spelt")));
    }
};

QTEST_GUILESS_MAIN(TestIngestdKnowledge)
#include "tst_ingestd_knowledge.moc"
