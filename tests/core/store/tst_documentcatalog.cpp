// What the Documents tab and GET /knowledge/documents read, on a real SQLite
// store: pages by id that do not shift when documents arrive, the text filter
// (literal, case-insensitive, over title, source, type, file name and URL),
// sources with counts, and a document's text joined back from its chunks.
#include "store/documentcatalog.h"
#include "store/knowledgestore.h"
#include "text/chunker.h"
#include "text/hashembedder.h"

#include <QTemporaryDir>
#include <QTest>

using namespace aether;

namespace {

const EmbedderInfo kHash{QStringLiteral("hash"), QStringLiteral("hash-v3"), 384};
const QString kAcme = QStringLiteral("acme");

struct Described
{
    Described(QString source, QString title, QString fileName = {}, QString url = {})
        : source(std::move(source)), title(std::move(title)), fileName(std::move(fileName)),
          url(std::move(url))
    {}

    QString source;
    QString title;
    QString fileName;
    QString url;
};

DocumentRecord recordOf(const QString &jobId, const Described &what, const QString &tenant = kAcme)
{
    DocumentRecord document;
    document.jobId = jobId;
    document.tenant = tenant;
    document.source = what.source;
    document.kind = what.url.isEmpty() ? QStringLiteral("text") : QStringLiteral("html");
    document.title = what.title;
    document.fileName = what.fileName;
    document.url = what.url;
    document.contentHash = jobId; // distinct content per job
    return document;
}

QList<Vector> vectorsOf(const QList<Chunk> &chunks)
{
    QList<Vector> vectors;
    for (const Chunk &chunk : chunks)
        vectors.append(HashEmbedder::embedOne(chunk.text));
    return vectors;
}

QStringList titlesOf(const DocumentPage &page)
{
    QStringList titles;
    for (const DocumentSummary &document : page.documents)
        titles << document.title;
    return titles;
}

DocumentQuery matching(const QString &text)
{
    DocumentQuery query;
    query.text = text;
    return query;
}

// Paragraphs of numbered sentences: long enough for many overlapping chunks.
QString longText()
{
    QStringList paragraphs;
    for (int p = 0; p < 12; ++p) {
        QStringList sentences;
        for (int s = 0; s < 9; ++s)
            sentences << QStringLiteral("Paragraph %1 says thing %2 about glaciers and moraines.")
                             .arg(p)
                             .arg(s);
        paragraphs << sentences.join(u' ');
    }
    return paragraphs.join(QStringLiteral("\n\n"));
}

} // namespace

class TestDocumentCatalog : public QObject
{
    Q_OBJECT

private:
    QString path() const { return m_dir.filePath(QStringLiteral("knowledge.db")); }

    qint64 store(const QString &jobId, const Described &what, const QList<Chunk> &chunks,
                 const QString &tenant = kAcme)
    {
        KnowledgeStore knowledge(path());
        knowledge.open(kHash);
        return knowledge.write(recordOf(jobId, what, tenant), chunks, vectorsOf(chunks));
    }

    qint64 store(const QString &jobId, const Described &what, const QString &tenant = kAcme)
    {
        return store(jobId, what, Chunker().split(QStringLiteral("text of ") + jobId), tenant);
    }

    QTemporaryDir m_dir;

private Q_SLOTS:
    void init() { QFile::remove(path()); }

    // A page starts below the last id seen: documents stored meanwhile are
    // newer, so neither repeat nor push a document off the next page.
    void pagesByIdDoNotShiftWhenDocumentsArrive()
    {
        for (int i = 1; i <= 5; ++i)
            store(QStringLiteral("job-%1").arg(i),
                  {QStringLiteral("s"), QStringLiteral("d%1").arg(i)});
        DocumentCatalog catalog(path());
        DocumentQuery query;
        query.limit = 2;
        const DocumentPage first = catalog.list(kAcme, query);
        QCOMPARE(titlesOf(first), QStringList({QStringLiteral("d5"), QStringLiteral("d4")}));
        store(QStringLiteral("job-6"), {QStringLiteral("s"), QStringLiteral("d6")});
        query.beforeId = first.documents.last().id;
        const DocumentPage second = catalog.list(kAcme, query);
        QCOMPARE(titlesOf(second), QStringList({QStringLiteral("d3"), QStringLiteral("d2")}));
        QCOMPARE(second.total, 6); // every document the filters match, not what is left
        query.beforeId = second.documents.last().id;
        QCOMPARE(titlesOf(catalog.list(kAcme, query)), QStringList({QStringLiteral("d1")}));
        query.offset = 1; // offsets still count, after before_id
        query.beforeId = first.documents.last().id;
        QCOMPARE(titlesOf(catalog.list(kAcme, query)),
                 QStringList({QStringLiteral("d2"), QStringLiteral("d1")}));
    }

    void theTextFilterLooksInTitleSourceTypeFileNameAndUrl()
    {
        store(QStringLiteral("a"), {QStringLiteral("handbook"), QStringLiteral("Glacier Guide")});
        store(QStringLiteral("b"), {QStringLiteral("notes"), QStringLiteral("Bread"),
                                    QStringLiteral("sourdough_v2.md")});
        store(QStringLiteral("c"), {QStringLiteral("web"),
                                    QStringLiteral("Stars"),
                                    {},
                                    QStringLiteral("https://sky.example/half-off")});
        store(QStringLiteral("d"), {QStringLiteral("notes"), QStringLiteral("Moraine 50% off")});
        store(QStringLiteral("e"), {QStringLiteral("Handbook-2"), QStringLiteral("Crevasses")});
        DocumentCatalog catalog(path());
        QCOMPARE(titlesOf(catalog.list(kAcme, matching(QStringLiteral("glacier")))),
                 QStringList{QStringLiteral("Glacier Guide")}); // any case
        QCOMPARE(titlesOf(catalog.list(kAcme, matching(QStringLiteral("HANDBOOK")))),
                 QStringList({QStringLiteral("Crevasses"), QStringLiteral("Glacier Guide")}));
        QCOMPARE(titlesOf(catalog.list(kAcme, matching(QStringLiteral("dough_v")))),
                 QStringList{QStringLiteral("Bread")});
        QCOMPARE(titlesOf(catalog.list(kAcme, matching(QStringLiteral("sky.example")))),
                 QStringList{QStringLiteral("Stars")});
        QCOMPARE(titlesOf(catalog.list(kAcme, matching(QStringLiteral("html")))),
                 QStringList{QStringLiteral("Stars")}); // the type
        // % and _ are themselves, not wildcards.
        QCOMPARE(titlesOf(catalog.list(kAcme, matching(QStringLiteral("50%")))),
                 QStringList{QStringLiteral("Moraine 50% off")});
        QCOMPARE(catalog.list(kAcme, matching(QStringLiteral("sourdough%"))).total, 0);
        QCOMPARE(catalog.list(kAcme, matching(QStringLiteral("b_ead"))).total, 0);
        DocumentQuery bothFilters = matching(QStringLiteral("r"));
        bothFilters.source = QStringLiteral("notes");
        const DocumentPage notes = catalog.list(kAcme, bothFilters);
        QCOMPARE(notes.total, 2);
        QCOMPARE(titlesOf(notes),
                 QStringList({QStringLiteral("Moraine 50% off"), QStringLiteral("Bread")}));
        QCOMPARE(catalog.list(QStringLiteral("globex"), matching(QStringLiteral("glacier"))).total,
                 0);
    }

    void sourcesAreCountedForTheTenantOnly()
    {
        store(QStringLiteral("a"), {QStringLiteral("web"), QStringLiteral("1")});
        store(QStringLiteral("b"), {QStringLiteral("handbook"), QStringLiteral("2")});
        store(QStringLiteral("c"), {QStringLiteral("web"), QStringLiteral("3")});
        store(QStringLiteral("d"), {QStringLiteral("secret"), QStringLiteral("4")},
              QStringLiteral("globex"));
        DocumentCatalog catalog(path());
        const QList<SourceCount> sources = catalog.sources(kAcme);
        QCOMPARE(sources.size(), 2);
        QCOMPARE(sources[0].source, QStringLiteral("handbook"));
        QCOMPARE(sources[0].documents, 1);
        QCOMPARE(sources[1].source, QStringLiteral("web"));
        QCOMPARE(sources[1].documents, 2);
    }

    // The chunker repeats about 150 characters between chunks; the stored
    // text has each character once, as it was ingested.
    void theTextIsJoinedFromItsChunksWithoutTheOverlap()
    {
        const QString text = longText();
        const QList<Chunk> chunks = Chunker().split(text);
        QVERIFY(chunks.size() > 4);
        QVERIFY(chunks[1].start < chunks[0].end); // they do overlap
        const qint64 id =
            store(QStringLiteral("long"), {QStringLiteral("s"), QStringLiteral("t")}, chunks);
        DocumentCatalog catalog(path());
        StoredText stored;
        QVERIFY(catalog.text(kAcme, id, 1 << 20, &stored));
        QCOMPARE(stored.text, text);
        QVERIFY(!stored.truncated);
        QVERIFY(stored.sections.isEmpty()); // no pages, no headings
        QVERIFY(catalog.text(kAcme, id, 100, &stored));
        QCOMPARE(stored.text, text.left(100));
        QVERIFY(stored.truncated);
        QVERIFY(!catalog.text(QStringLiteral("globex"), id, 1 << 20, &stored));
        QVERIFY(!catalog.text(kAcme, id + 1, 1 << 20, &stored));
    }

    void pagesAndHeadingsAreKeptAsSections()
    {
        ExtractedDocument document;
        document.blocks = {
            TextBlock{QStringLiteral("Intro on page one."), 1, QStringLiteral("Intro")},
            TextBlock{QStringLiteral("Method on page two."), 2, QStringLiteral("Method")},
            TextBlock{QStringLiteral("More method."), 2, QStringLiteral("Method")}};
        const qint64 id = store(QStringLiteral("paged"), {QStringLiteral("s"), QStringLiteral("p")},
                                Chunker().split(document));
        DocumentCatalog catalog(path());
        StoredText stored;
        QVERIFY(catalog.text(kAcme, id, 1 << 20, &stored));
        QCOMPARE(stored.text,
                 QStringLiteral("Intro on page one.\n\nMethod on page two.\n\nMore method."));
        QCOMPARE(stored.sections.size(), 2);
        QCOMPARE(stored.sections[0].offset, 0);
        QCOMPARE(stored.sections[0].page, 1);
        QCOMPARE(stored.sections[0].heading, QStringLiteral("Intro"));
        QCOMPARE(stored.sections[1].offset, stored.text.indexOf(QLatin1String("Method")));
        QCOMPARE(stored.sections[1].page, 2);
    }

    // Offsets that do not fit the text (another chunker wrote them) are not
    // trusted: the chunks are joined whole.
    void chunksWithoutUsableOffsetsAreJoinedWhole()
    {
        StoredTextJoiner joiner(1000);
        QVERIFY(joiner.add(StoredChunk{QStringLiteral("first part"), 0, {}, 0, 0}));
        QVERIFY(joiner.add(StoredChunk{QStringLiteral("second part"), 0, {}, 0, 0}));
        QCOMPARE(joiner.result().text, QStringLiteral("first part\n\nsecond part"));
    }
};

QTEST_GUILESS_MAIN(TestDocumentCatalog)
#include "tst_documentcatalog.moc"
