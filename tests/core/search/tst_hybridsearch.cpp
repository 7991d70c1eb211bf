// Search over a real SQLite store written by the KnowledgeStore.
#include "search/hybridsearch.h"
#include "store/knowledgestore.h"
#include "text/hashembedder.h"

#include <QTemporaryDir>
#include <QTest>

using namespace aether;

class TestHybridSearch : public QObject
{
    Q_OBJECT

private:
    void add(const QString &jobId, const QString &tenant, const QString &source,
             const QStringList &passages)
    {
        QList<Chunk> chunks;
        QList<Vector> vectors;
        for (const QString &text : passages) {
            chunks.append(Chunk{text, 0, {}, 0, text.size()});
            vectors.append(HashEmbedder::embedOne(text));
        }
        DocumentRecord record;
        record.jobId = jobId;
        record.tenant = tenant;
        record.source = source;
        record.kind = QStringLiteral("text");
        record.contentHash = jobId;
        record.title = QStringLiteral("Title of ") + jobId;
        m_store->write(record, chunks, vectors);
    }

    QStringList texts(const QList<SearchHit> &hits)
    {
        QStringList out;
        for (const SearchHit &hit : hits)
            out.append(hit.text);
        return out;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<KnowledgeStore> m_store;
    std::unique_ptr<HybridSearch> m_search;

private Q_SLOTS:
    void initTestCase()
    {
        const QString path = m_dir.filePath(QStringLiteral("k.db"));
        m_store = std::make_unique<KnowledgeStore>(path);
        m_store->open(EmbedderInfo{QStringLiteral("hash"), QStringLiteral("hash-v3"), 384});
        add(QStringLiteral("queue"), QStringLiteral("default"), QStringLiteral("docs"),
            {QStringLiteral("Workers take jobs from the Redis queue and store them in SQLite."),
             QStringLiteral("The weather in spring is mild and often rainy.")});
        add(QStringLiteral("roof"), QStringLiteral("default"), QStringLiteral("manuals"),
            {QStringLiteral("The underlayment we use is synthetic felt with a 50-year warranty.")});
        add(QStringLiteral("secret"), QStringLiteral("acme"), QStringLiteral("docs"),
            {QStringLiteral("Acme's private notes about the Redis queue migration.")});
        m_search = std::make_unique<HybridSearch>(path);
    }

    void findsThePassageThatAnswers()
    {
        const QList<SearchHit> hits =
            m_search->search({QStringLiteral("how do workers use the redis queue"),
                              QStringLiteral("default"),
                              {},
                              3,
                              SearchQuery::Mode::Hybrid});
        QVERIFY(!hits.isEmpty());
        QCOMPARE(
            hits.first().text,
            QStringLiteral("Workers take jobs from the Redis queue and store them in SQLite."));
        QCOMPARE(hits.first().title, QStringLiteral("Title of queue"));
        QCOMPARE(hits.first().source, QStringLiteral("docs"));
        QCOMPARE(hits.first().matched, QStringLiteral("both")); // its words and its meaning
        for (qsizetype i = 1; i < hits.size(); ++i)
            QVERIFY(hits[i - 1].score >= hits[i].score);
    }

    void keywordModeUsesStemming()
    {
        const QList<SearchHit> hits = m_search->search({QStringLiteral("warranties"),
                                                        QStringLiteral("default"),
                                                        {},
                                                        5,
                                                        SearchQuery::Mode::Keyword});
        QCOMPARE(texts(hits),
                 QStringList{QStringLiteral(
                     "The underlayment we use is synthetic felt with a 50-year warranty.")});
        QCOMPARE(hits.first().matched, QStringLiteral("keyword"));
    }

    void vectorModeRanksBySimilarity()
    {
        const QList<SearchHit> hits = m_search->search({QStringLiteral("mild rainy spring weather"),
                                                        QStringLiteral("default"),
                                                        {},
                                                        1,
                                                        SearchQuery::Mode::Vector});
        QCOMPARE(texts(hits),
                 QStringList{QStringLiteral("The weather in spring is mild and often rainy.")});
        QCOMPARE(hits.first().matched, QStringLiteral("vector"));
    }

    void tenantsNeverSeeEachOther()
    {
        const QStringList acme = texts(m_search->search({QStringLiteral("redis queue"),
                                                         QStringLiteral("acme"),
                                                         {},
                                                         10,
                                                         SearchQuery::Mode::Hybrid}));
        QCOMPARE(acme, QStringList{QStringLiteral(
                           "Acme's private notes about the Redis queue migration.")});
        const QStringList others =
            texts(m_search->search({QStringLiteral("acme private notes migration"),
                                    QStringLiteral("default"),
                                    {},
                                    10,
                                    SearchQuery::Mode::Hybrid}));
        QVERIFY(!others.join(QLatin1Char(' ')).contains(QStringLiteral("Acme")));
    }

    void aSourceFilterNarrowsTheSearch()
    {
        const QList<SearchHit> hits =
            m_search->search({QStringLiteral("queue warranty"), QStringLiteral("default"),
                              QStringLiteral("manuals"), 10, SearchQuery::Mode::Hybrid});
        QCOMPARE(texts(hits),
                 QStringList{QStringLiteral(
                     "The underlayment we use is synthetic felt with a 50-year warranty.")});
    }

    void userTextIsNeverFtsSyntax()
    {
        // "OR" is a word like any other (here a stop word, left out).
        QCOMPARE(HybridSearch::ftsExpression(QStringLiteral("redis\" OR x NEAR( queue*")),
                 QStringLiteral("\"redis\" OR \"x\" OR \"near\" OR \"queue\""));
        // Nothing but stop words: they are all the query has, so they stay.
        QCOMPARE(HybridSearch::ftsExpression(QStringLiteral("To be or not")),
                 QStringLiteral("\"to\" OR \"be\" OR \"or\" OR \"not\""));
        // Punctuation only: no keyword ranking, no error.
        QVERIFY(m_search
                    ->search({QStringLiteral("\"*()"),
                              QStringLiteral("default"),
                              {},
                              5,
                              SearchQuery::Mode::Keyword})
                    .isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestHybridSearch)
#include "tst_hybridsearch.moc"
