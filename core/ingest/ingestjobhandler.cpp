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

IngestJobHandler::Input IngestJobHandler::textInput(const JobFields &fields) const
{
    Input input;
    const QByteArray text = fields.value("text");
    input.document.kind = QStringLiteral("text");
    input.document.blocks.append(TextBlock{QString::fromUtf8(text), 0, {}});
    input.record.kind = input.document.kind;
    input.record.contentHash = sha256Hex(text);
    input.record.sizeBytes = text.size();
    return input;
}

IngestJobHandler::Input IngestJobHandler::urlInput(const JobFields &fields) const
{
    const QUrl url(field(fields, "url"));
    const FetchedPage page = m_fetcher.fetch(url);
    Input input;
    input.document =
        m_extractors.extract(page.body, fileNameOfUrl(page.finalUrl), page.contentType);
    input.record.kind = input.document.kind;
    input.record.url = url.toString();
    input.record.contentHash = sha256Hex(page.body);
    input.record.sizeBytes = page.body.size();
    return input;
}

IngestJobHandler::Input IngestJobHandler::fileInput(const JobFields &fields,
                                                    const QByteArray &blob) const
{
    const QString fileName = field(fields, "filename");
    Input input;
    input.document = m_extractors.extract(blob, fileName, field(fields, "content_type"));
    input.record.kind = input.document.kind;
    input.record.fileName = fileName;
    input.record.contentHash = sha256Hex(blob);
    input.record.sizeBytes = blob.size();
    return input;
}

QList<Vector> IngestJobHandler::embedAll(const QList<Chunk> &chunks)
{
    QList<Vector> vectors;
    vectors.reserve(chunks.size());
    for (qsizetype first = 0; first < chunks.size(); first += kEmbedBatch) {
        QStringList batch;
        for (qsizetype i = first; i < qMin(chunks.size(), first + kEmbedBatch); ++i)
            batch.append(chunks[i].text);
        vectors.append(m_embedder->embed(batch));
    }
    return vectors;
}

QJsonObject IngestJobHandler::run(const QByteArray &id, const JobFields &fields,
                                  const QByteArray &blob)
{
    QElapsedTimer timer;
    timer.start();
    const QByteArray type = fields.value("type");
    Input input = type == "url"    ? urlInput(fields)
                  : type == "file" ? fileInput(fields, blob)
                                   : textInput(fields);
    const QString name = type == "url"    ? input.record.url
                         : type == "file" ? input.record.fileName
                                          : QStringLiteral("the text");
    if (input.document.isEmpty()) {
        throw IngestError(QStringLiteral("EmptyDocument"),
                          QStringLiteral("no text found in %1").arg(name));
    }

    const QList<Chunk> chunks = m_chunker.split(input.document);
    const QList<Vector> vectors = embedAll(chunks);
    DocumentRecord &record = input.record;
    record.jobId = QString::fromLatin1(id);
    record.tenant = field(fields, "tenant");
    record.source = field(fields, "source");
    record.title = input.document.title;
    record.textChars = textLength(input.document);
    qint64 documentId = 0;
    try {
        documentId = m_store.write(record, chunks, vectors);
    } catch (const StoreError &error) {
        throw IngestError(QStringLiteral("StoreError"), QString::fromLocal8Bit(error.what()),
                          IngestError::Retry::Transient);
    }

    QJsonObject result{{QStringLiteral("ok"), true},
                       {QStringLiteral("ingested_chunks"), chunks.size()},
                       {QStringLiteral("tenant"), record.tenant},
                       {QStringLiteral("source"), record.source},
                       {QStringLiteral("document_id"), documentId}};
    if (type == "url")
        result.insert(QStringLiteral("url"), record.url);
    if (type == "file")
        result.insert(QStringLiteral("filename"), record.fileName);
    if (!record.title.isEmpty())
        result.insert(QStringLiteral("title"), record.title);
    if (input.document.kind == QLatin1String("pdf")) {
        result.insert(QStringLiteral("pages"), input.document.pageCount);
        QJsonArray blank;
        for (int page : input.document.pagesWithoutText)
            blank.append(page);
        result.insert(QStringLiteral("pages_without_text"), blank);
    }
    result.insert(QStringLiteral("latency_ms"), qRound(timer.nsecsElapsed() / 100000.0) / 10.0);
    return result;
}

} // namespace aether
