#include "ingest/ingestjobhandler.h"

#include "ingest/ingesterror.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>

namespace aether {

namespace {

constexpr int kEmbedBatch = 64;

QString sha256Hex(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

qint64 textLength(const ExtractedDocument &document)
{
    qint64 total = 0;
    for (const TextBlock &block : document.blocks)
        total += block.text.size();
    return total;
}

QString field(const JobFields &fields, const char *name)
{
    return QString::fromUtf8(fields.value(name));
}

// A name for a URL's content, so the registry can use its extension.
QString fileNameOfUrl(const QUrl &url)
{
    const QString name = QFileInfo(url.path()).fileName();
    return name.isEmpty() ? QStringLiteral("index.html") : name;
}

} // namespace

IngestJobHandler::IngestJobHandler(const PipelineSettings &settings,
                                   std::unique_ptr<Embedder> embedder)
    : m_embedder(std::move(embedder)), m_store(settings.databasePath), m_chunker(settings.chunker),
      m_fetcher(settings.fetch), m_extractors(ExtractorRegistry::standard())
{
    m_store.open(describe(*m_embedder));
}

EmbedderInfo IngestJobHandler::describe(const Embedder &embedder)
{
    return EmbedderInfo{embedder.provider(), embedder.model(), embedder.dimension()};
}

IngestJobHandler::Input IngestJobHandler::textInput(const JobContext &job) const
{
    Input input;
    const QByteArray text = job.fields.value("text");
    input.document.kind = QStringLiteral("text");
    input.document.blocks.append(TextBlock{QString::fromUtf8(text), 0, {}});
    input.record.kind = input.document.kind;
    input.record.contentHash = sha256Hex(text);
    input.record.sizeBytes = text.size();
    return input;
}

IngestJobHandler::Input IngestJobHandler::urlInput(const JobContext &job) const
{
    const QUrl url(field(job.fields, "url"));
    job.progress("fetching", 0);
    const FetchedPage page = m_fetcher.fetch(url, job.cancel);
    job.progress("extracting", 20);
    Input input;
    input.document =
        m_extractors.extract(page.body, fileNameOfUrl(page.finalUrl), page.contentType, job.cancel);
    input.record.kind = input.document.kind;
    input.record.url = url.toString();
    input.record.contentHash = sha256Hex(page.body);
    input.record.sizeBytes = page.body.size();
    return input;
}

IngestJobHandler::Input IngestJobHandler::fileInput(const JobContext &job) const
{
    const QString fileName = field(job.fields, "filename");
    job.progress("extracting", 0);
    Input input;
    input.document =
        m_extractors.extract(job.blob, fileName, field(job.fields, "content_type"), job.cancel);
    input.record.kind = input.document.kind;
    input.record.fileName = fileName;
    input.record.contentHash = sha256Hex(job.blob);
    input.record.sizeBytes = job.blob.size();
    return input;
}

QList<Vector> IngestJobHandler::embedAll(const QList<Chunk> &chunks, const JobContext &job)
{
    QList<Vector> vectors;
    vectors.reserve(chunks.size());
    for (qsizetype first = 0; first < chunks.size(); first += kEmbedBatch) {
        job.cancel.check();
        job.progress("embedding", int(50 + 40 * first / qMax<qsizetype>(1, chunks.size())));
        QStringList batch;
        for (qsizetype i = first; i < qMin(chunks.size(), first + kEmbedBatch); ++i)
            batch.append(chunks[i].text);
        vectors.append(m_embedder->embed(batch));
    }
    return vectors;
}

QJsonObject IngestJobHandler::run(const JobContext &job)
{
    QElapsedTimer timer;
    timer.start();
    const QByteArray type = job.fields.value("type");
    Input input = type == "url" ? urlInput(job) : type == "file" ? fileInput(job) : textInput(job);
    const QString name = type == "url"    ? input.record.url
                         : type == "file" ? input.record.fileName
                                          : QStringLiteral("the text");
    if (input.document.isEmpty())
        throw IngestError(QStringLiteral("EmptyDocument"),
                          QStringLiteral("no text found in %1").arg(name));

    job.progress("chunking", 40);
    const QList<Chunk> chunks = m_chunker.split(input.document, job.cancel);
    const QList<Vector> vectors = embedAll(chunks, job);
    DocumentRecord &record = input.record;
    record.jobId = QString::fromLatin1(job.id);
    record.tenant = field(job.fields, "tenant");
    record.source = field(job.fields, "source");
    record.title = input.document.title;
    record.textChars = textLength(input.document);
    job.progress("storing", 90);
    qint64 documentId = 0;
    try {
        documentId = m_store.write(record, chunks, vectors, job.cancel);
    } catch (const StoreError &error) {
        throw IngestError(QStringLiteral("StoreError"), QString::fromLocal8Bit(error.what()),
                          IngestError::Retry::Transient);
    }
    return resultJson(type, record, input.document, documentId, chunks.size(), timer);
}

QJsonObject IngestJobHandler::resultJson(const QByteArray &type, const DocumentRecord &record,
                                         const ExtractedDocument &document, qint64 documentId,
                                         qsizetype chunks, const QElapsedTimer &timer)
{
    QJsonObject result{{QStringLiteral("ok"), true},
                       {QStringLiteral("ingested_chunks"), chunks},
                       {QStringLiteral("tenant"), record.tenant},
                       {QStringLiteral("source"), record.source},
                       {QStringLiteral("document_id"), documentId}};
    if (type == "url")
        result.insert(QStringLiteral("url"), record.url);
    if (type == "file")
        result.insert(QStringLiteral("filename"), record.fileName);
    if (!record.title.isEmpty())
        result.insert(QStringLiteral("title"), record.title);
    if (document.kind == QLatin1String("pdf")) {
        result.insert(QStringLiteral("pages"), document.pageCount);
        QJsonArray blank;
        for (int page : document.pagesWithoutText)
            blank.append(page);
        result.insert(QStringLiteral("pages_without_text"), blank);
    }
    result.insert(QStringLiteral("latency_ms"), qRound(timer.nsecsElapsed() / 100000.0) / 10.0);
    return result;
}

} // namespace aether
