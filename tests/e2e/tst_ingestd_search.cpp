// Search over HTTP against the real aether-ingestd: what the workers stored is
// found by GET and POST /knowledge/search, per tenant, by a viewer.
#include "daemonprocess.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QJsonArray>
#include <QTest>
#include <QUrlQuery>

using namespace aether;
using namespace aether::test;

namespace {

const Headers kViewer{{"x-api-key", "test-key"}, {"x-role", "viewer"}};

} // namespace

class TestIngestdSearch : public QObject
{
    Q_OBJECT

private:
    void ingest(const QString &text, const QByteArray &tenant)
    {
        Headers headers = kEditor;
        headers.emplaceBack("x-tenant", tenant);
        const HttpResult reply = m_client->postJson(QStringLiteral("/knowledge/ingest-text-async"),
                                                    {{"text", text}, {"source", "notes"}}, headers);
        QCOMPARE(reply.status, 200);
        QCOMPARE(waitForJob(*m_client, reply.json().value("job_id").toString())
                     .value("status")
                     .toString(),
                 QStringLiteral("finished"));
    }

    QJsonArray search(const QString &q, const Headers &headers = kViewer)
    {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("q"), q);
        query.addQueryItem(QStringLiteral("k"), QStringLiteral("3"));
        return m_client
            ->get(QStringLiteral("/knowledge/search?") + query.toString(QUrl::FullyEncoded),
                  headers)
            .json()
            .value("results")
            .toArray();
    }

    RedisProcess m_redis;
    DaemonProcess m_daemon;
    std::unique_ptr<HttpClient> m_client;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QProcessEnvironment env = daemonEnvironment(m_redis, 2);
        QVERIFY2(m_daemon.start(env), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());
        ingest(QStringLiteral("Workers take jobs from the Redis queue and store chunks in SQLite."),
               "default");
        ingest(QStringLiteral("The underlayment we use is synthetic felt with a 50-year warranty."),
               "default");
        ingest(QStringLiteral("Acme keeps its quarterly invoices in the blue cabinet."), "acme");
    }

    void aViewerFindsThePassage()
    {
        const QJsonArray results = search(QStringLiteral("redis queue workers"));
        QVERIFY(!results.isEmpty());
        const QJsonObject first = results.first().toObject();
        QCOMPARE(
            first.value("text").toString(),
            QStringLiteral("Workers take jobs from the Redis queue and store chunks in SQLite."));
        QCOMPARE(first.value("source").toString(), QStringLiteral("notes"));
        QVERIFY(first.value("score").toDouble() > 0);
        QVERIFY(first.value("chunk_id").toInteger() > 0);
        QVERIFY(first.value("document_id").toInteger() > 0);
    }

    void postTakesTheSameQuery()
    {
        const HttpResult reply = m_client->postJson(
            QStringLiteral("/knowledge/search"),
            {{"query", "warranty of the underlayment"}, {"k", 1}, {"mode", "keyword"}}, kViewer);
        QCOMPARE(reply.status, 200);
        const QJsonArray results = reply.json().value("results").toArray();
        QCOMPARE(results.size(), 1);
        QVERIFY(results.first().toObject().value("text").toString().contains(
            QStringLiteral("50-year warranty")));
    }

    // Snippets and highlights on real results: the stemmed forms of the query's
    // words ("worker" finds "Workers", "queues" finds "queue") are marked in the
    // stored text and in the snippet.
    void resultsCarrySnippetsAndHighlights()
    {
        const QJsonArray results = search(QStringLiteral("worker queues"));
        QVERIFY(!results.isEmpty());
        const QJsonObject first = results.first().toObject();
        const QString text = first.value("text").toString();
        QCOMPARE(first.value("snippet").toString(), text); // short: shown whole
        QStringList marked;
        for (const QJsonValue &span : first.value("highlights").toArray()) {
            const QJsonArray range = span.toArray();
            marked.append(text.mid(range.at(0).toInt(), range.at(1).toInt() - range.at(0).toInt()));
        }
        QCOMPARE(marked, QStringList({QStringLiteral("Workers"), QStringLiteral("queue")}));
        QCOMPARE(first.value("snippet_highlights").toArray(), first.value("highlights").toArray());
    }

    // The case: over notes on cooking and astronomy, "glacier moraine"
    // returns the one glacier guide and no filler; every hit says how
    // relevant it is, and min_score leaves out the less relevant.
    void aQueryMatchingOneDocumentReturnsOnlyIt()
    {
        const QByteArray tenant = "precision";
        const QStringList cooking = {
            QStringLiteral("Braise the lamb shoulder slowly with garlic, rosemary and white wine."),
            QStringLiteral("A roux of butter and flour thickens the gravy; whisk in stock slowly."),
            QStringLiteral("Toast cumin and coriander seeds before grinding them for the curry."),
            QStringLiteral("Proof the dough in a warm kitchen until it doubles, then bake it hot."),
            QStringLiteral(
                "Blanch the green beans, then shock them in iced water to keep them bright."),
        };
        const QStringList astronomy = {
            QStringLiteral("Jupiter's moons were first seen by Galileo through a small telescope."),
            QStringLiteral("A red giant star swells as it burns the helium in its core."),
            QStringLiteral("The Andromeda galaxy is visible on dark autumn nights without optics."),
            QStringLiteral("Saturn's rings are made of ice and rock, thin as a sheet of paper."),
            QStringLiteral(
                "Meteor showers happen when Earth crosses the debris of a comet's orbit."),
        };
        for (const QString &note : cooking + astronomy)
            ingest(note, tenant);
        ingest(QStringLiteral("A field guide to glaciers: a moraine is the ridge of rock and till "
                              "a glacier pushes ahead of it and leaves behind when it melts."),
               tenant);
        Headers viewer = kViewer;
        viewer.emplaceBack("x-tenant", tenant);
        const HttpResult reply = m_client->postJson(
            QStringLiteral("/knowledge/search"), {{"query", "glacier moraine"}, {"k", 20}}, viewer);
        QCOMPARE(reply.status, 200);
        const QJsonArray results = reply.json().value("results").toArray();
        QCOMPARE(results.size(), 1);
        const QJsonObject guide = results.first().toObject();
        QVERIFY(guide.value("text").toString().startsWith(QStringLiteral("A field guide")));
        QCOMPARE(guide.value("matched").toString(), QStringLiteral("both"));
        QVERIFY(guide.value("relevance").toDouble() > 0.9);
        QVERIFY(guide.value("relevance").toDouble() <= 1.0);

        // A query sharing one everyday word with many notes and both words with
        // one: a relevance per hit, and min_score cuts the weaker.
        const QJsonArray keyword =
            m_client
                ->postJson(QStringLiteral("/knowledge/search"),
                           {{"query", "rock ice"}, {"k", 20}, {"mode", "keyword"}}, viewer)
                .json()
                .value("results")
                .toArray();
        QVERIFY(keyword.size() >= 2);
        double lowest = 1;
        for (const QJsonValue &hit : keyword) {
            const double relevance = hit.toObject().value("relevance").toDouble();
            QVERIFY(relevance >= 0 && relevance <= 1);
            lowest = qMin(lowest, relevance);
        }
        QVERIFY(lowest < 1);
        const QJsonArray strict =
            m_client
                ->postJson(
                    QStringLiteral("/knowledge/search"),
                    {{"query", "rock ice"}, {"k", 20}, {"mode", "keyword"}, {"min_score", 0.99}},
                    viewer)
                .json()
                .value("results")
                .toArray();
        QVERIFY(strict.size() < keyword.size());
        for (const QJsonValue &hit : strict)
            QVERIFY(hit.toObject().value("relevance").toDouble() >= 0.99);
        QCOMPARE(m_client
                     ->postJson(QStringLiteral("/knowledge/search"),
                                {{"query", "rock"}, {"min_score", 2}}, viewer)
                     .status,
                 422);
    }

    void tenantsOnlySeeTheirOwn()
    {
        Headers acme = kViewer;
        acme.emplaceBack("x-tenant", "acme");
        const QJsonArray own = search(QStringLiteral("quarterly invoices cabinet"), acme);
        QCOMPARE(own.size(), 1);
        for (const QJsonValue &hit : search(QStringLiteral("quarterly invoices cabinet")))
            QVERIFY(!hit.toObject().value("text").toString().contains(QStringLiteral("Acme")));
    }

    void badSearchesAreClearErrors()
    {
        QCOMPARE(m_client->get(QStringLiteral("/knowledge/search?q=redis")).status, 401);
        QCOMPARE(m_client->get(QStringLiteral("/knowledge/search"), kViewer).status, 422);
        QCOMPARE(m_client->get(QStringLiteral("/knowledge/search?q=x&k=0"), kViewer).status, 422);
        QCOMPARE(m_client->get(QStringLiteral("/knowledge/search?q=x&mode=magic"), kViewer).status,
                 422);
        QCOMPARE(m_client->post(QStringLiteral("/knowledge/search"), "{\"query\":", kViewer).status,
                 400);
        QCOMPARE(
            m_client->postJson(QStringLiteral("/knowledge/search"), {{"k", 2}}, kViewer).status,
            422);
    }
};

QTEST_GUILESS_MAIN(TestIngestdSearch)
#include "tst_ingestd_search.moc"
