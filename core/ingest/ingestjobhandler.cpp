#include "ingest/ingestjobhandler.h"

#include "base/ingesterror.h"
#include "ingest/attachmentingest.h"
#include "ingest/reindexjob.h"
#include "queue/jobqueue.h"
#include "queue/redisconnection.h"
#include "store/documentmetadata.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

namespace aether {

namespace {

Q_LOGGING_CATEGORY(lcIngest, "aether.worker")

constexpr int kEmbedBatch = 64;
// Below this many characters a document is chunked and embedded without first
// asking the store whether the same content is there (see prepare()).
constexpr qint64 kEarlyDedupeMinChars = 16 * 1024;

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

// A store failure of one job's write: interruptions pass as they are; store
// errors may go away (a busy or full disk), so the job is retried.
std::exception_ptr storeFailure(std::exception_ptr error)
{
    try {
        std::rethrow_exception(error);
    } catch (const AttemptSuperseded &superseded) {
        // Not retried: the newer attempt owns the job (and settles it).
        qCWarning(lcIngest, "%s", superseded.what());
        return std::make_exception_ptr(
            IngestError(QStringLiteral("LeaseLost"), QString::fromLocal8Bit(superseded.what())));
    } catch (const EmbedderMismatch &mismatch) {
        // Retrying cannot help until someone re-indexes or reconfigures,
        // unless the service is re-indexing by itself after an upgrade of the
        // built-in embedder: then a later attempt finds the new vectors.
        return std::make_exception_ptr(
            IngestError(QStringLiteral("EmbedderMismatch"), QString::fromLocal8Bit(mismatch.what()),
                        mismatch.builtInUpgrade() ? IngestError::Retry::Transient
                                                  : IngestError::Retry::Permanent));
    } catch (const StoreError &failure) {
        return std::make_exception_ptr(IngestError(QStringLiteral("StoreError"),
                                                   QString::fromLocal8Bit(failure.what()),
                                                   IngestError::Retry::Transient));
    } catch (...) {
        return std::current_exception();
    }
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
      m_fetcher(settings.fetch), m_extractors(ExtractorRegistry::standard()),
      m_ocrEnabled(settings.ocr), m_ocrLanguages(settings.ocrLanguages), m_redis(settings.redis)
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
    input.document.title = field(job.fields, "title"); // as sent, or none
    input.document.blocks.append(TextBlock{QString::fromUtf8(text), 0, {}});
    input.record.kind = input.document.kind;
    input.record.contentHash = sha256Hex(text);
    input.record.sizeBytes = text.size();
    return input;
}

// The stored document of a refreshed URL (core/queue/refreshschedules.h), whose
// validators make the fetch conditional; none for an ordinary URL job.
std::optional<StoredDocument> IngestJobHandler::storedPage(const JobContext &job, const QUrl &url)
{
    if (job.fields.value("refresh_id").isEmpty())
        return std::nullopt;
    DocumentRecord page;
    page.tenant = field(job.fields, "tenant");
    page.url = url.toString();
    try {
        return m_store.find(page.tenant, page.identity());
    } catch (const StoreError &) {
        return std::nullopt; // fetched in full; the write meets the error and reports it
    }
}

IngestJobHandler::Input IngestJobHandler::urlInput(const JobContext &job)
{
    // Stored without userinfo; jobs queued before that rule are cleaned here
    // so that the document, the result and the messages never show it.
    const QUrl url = QUrl(field(job.fields, "url")).adjusted(QUrl::RemoveUserInfo);
    QUrl fetched = url;
    if (const QString userInfo = field(job.fields, "url_userinfo"); !userInfo.isEmpty())
        fetched.setUserInfo(userInfo); // URL_ALLOW_CREDENTIALS=1: for the fetch only
    job.progress("fetching", 0);
    const std::optional<StoredDocument> stored = storedPage(job, url);
    const FetchValidators validators =
        stored ? FetchValidators{stored->httpEtag.toLatin1(), stored->httpLastModified.toLatin1()}
               : FetchValidators{};
    const FetchedPage page = m_fetcher.fetch(fetched, job.cancel, validators);
    Input input;
    input.record.url = url.toString();
    if (page.notModified) {
        if (!stored)
            throw IngestError(QStringLiteral("HTTPError"),
                              QStringLiteral("304 Not Modified, to a request that was not "
                                             "conditional"));
        input.unchangedDocumentId = stored->id;
        return input;
    }
    job.progress("extracting", 20);
    input.document =
        m_extractors.extract(page.body, fileNameOfUrl(page.finalUrl), page.contentType, job.cancel);
    input.record.kind = input.document.kind;
    input.fetchedUrl = page.finalUrl;
    input.record.contentHash = sha256Hex(page.body);
    input.record.httpEtag = QString::fromLatin1(page.etag);
    input.record.httpLastModified = QString::fromLatin1(page.lastModified);
    input.record.sizeBytes = page.body.size();
    input.bytes = page.body;
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
    input.bytes = job.blob;
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
        vectors.append(m_embedder->embed(batch, job.cancel));
    }
    return vectors;
}

// Scanned PDF pages and images hold no text layer: OCR reads them, page by
// page (progress 20-40 %, cancellation between pages), on this worker thread.
// Returns the result's "ocr" object, empty when there was nothing to read.
QJsonObject IngestJobHandler::readPagesWithoutText(Input &input, const JobContext &job)
{
    ExtractedDocument &document = input.document;
    if (document.pagesWithoutText.isEmpty())
        return {};
    const bool image = document.kind == QLatin1String("image");
    if (!m_ocrEnabled) {
        if (image)
            throw IngestError(QStringLiteral("ImageError"),
                              QStringLiteral("an image is read with OCR, which is off (OCR=off)"));
        return {};
    }
    if (!m_ocr) {
        try {
            m_ocr = std::make_unique<OcrEngine>(m_ocrLanguages);
        } catch (const OcrUnavailable &unavailable) {
            throw IngestError(QStringLiteral("OcrUnavailable"),
                              QString::fromLocal8Bit(unavailable.what()));
        }
    }
    job.progress("ocr", 20);
    const QList<RecognisedPage> pages =
        recognisePages(*m_ocr, document, input.bytes, job.cancel, [&job](int done, int total) {
            job.progress("ocr", 20 + 20 * done / qMax(1, total));
        });
    QJsonArray pageResults;
    int confidenceSum = 0;
    for (const RecognisedPage &page : pages) {
        QJsonObject entry{{QStringLiteral("confidence"), page.confidence},
                          {QStringLiteral("has_text"), page.hasText}};
        if (!image)
            entry.insert(QStringLiteral("page"), page.page);
        pageResults.append(entry);
        confidenceSum += page.confidence;
    }
    return {{QStringLiteral("languages"), m_ocrLanguages},
            {QStringLiteral("pages"), pageResults},
            {QStringLiteral("mean_confidence"),
             pages.isEmpty() ? 0 : qRound(double(confidenceSum) / pages.size())}};
}

namespace {

// A prepared ingest job: its document's rows, ready for the batch write.
struct PreparedIngest : PreparedJob
{
    bool needsWrite = true; // a re-index job has written what it had to already
    bool refresh = false;   // a scheduled refresh of a URL (core/queue/refreshschedules.h)
    CrawlPage crawlPage;    // a crawl's page: where it links to (followUp)
    DocumentWrite write;
    QList<DocumentWrite> attachments; // an e-mail's, written in the same transaction
    QJsonArray skippedAttachments;
    QElapsedTimer timer; // since the job started, for latency_ms
};

} // namespace

std::unique_ptr<PreparedJob> IngestJobHandler::prepare(const JobContext &job)
{
    auto prepared = std::make_unique<PreparedIngest>();
    prepared->timer.start();
    prepared->cancel = &job.cancel;
    const QByteArray type = job.fields.value("type");
    prepared->refresh = !job.fields.value("refresh_id").isEmpty();
    if (type == "reindex") {
        try {
            prepared->result = reindexStore(m_store, *m_embedder, job);
        } catch (const StoreMissing &missing) {
            // Like a document write: a restart on the restored file may succeed.
            throw IngestError(QStringLiteral("StoreError"), QString::fromLocal8Bit(missing.what()),
                              IngestError::Retry::Transient);
        } catch (const StoreError &error) {
            throw IngestError(QStringLiteral("StoreError"), QString::fromLocal8Bit(error.what()));
        }
        prepared->needsWrite = false;
        return prepared;
    }
    Input input = type == "url" ? urlInput(job) : type == "file" ? fileInput(job) : textInput(job);
    if (input.unchangedDocumentId != 0) {
        prepared->needsWrite = false;
        prepared->result = unchangedResult(job, input);
        return prepared;
    }
    if (!job.fields.value("crawl_id").isEmpty())
        prepared->crawlPage = crawlPageOf(input);
    const QJsonObject ocr = readPagesWithoutText(input, job);
    const QString name = type == "url"    ? input.record.url
                         : type == "file" ? input.record.fileName
                                          : QStringLiteral("the text");
    if (input.document.isEmpty())
        throw IngestError(QStringLiteral("EmptyDocument"),
                          QStringLiteral("no text found in %1").arg(name));

    DocumentWrite &write = prepared->write;
    write.document = input.record;
    write.document.jobId = QString::fromLatin1(job.id);
    write.document.tenant = field(job.fields, "tenant");
    write.document.source = field(job.fields, "source");
    write.document.title = input.document.title;
    write.document.metadata = metadata::merged(
        input.document.metadata, QJsonDocument::fromJson(job.fields.value("metadata")).object());
    write.document.textChars = textLength(input.document);
    write.cancel = &job.cancel;
    write.attempt = job.fields.value("fence").toLongLong();
    prepared->result = resultJson(type, write.document, input.document);
    if (!ocr.isEmpty())
        prepared->result.insert(QStringLiteral("ocr"), ocr);
    // The same content under the same identity is stored already: skip the
    // chunking and embedding (the write still decides, under the store's lock).
    // A short text is cheaper to chunk and embed than to look up first: the
    // lookup is a read transaction of its own (15 % of a small-job drain).
    if (write.document.textChars < kEarlyDedupeMinChars || !isStoredAlready(write.document)) {
        job.progress("chunking", 40);
        write.chunks = m_chunker.split(input.document, job.cancel);
        write.vectors = embedAll(write.chunks, job);
    }
    prepared->attachments = prepareAttachments(input, write, job, prepared->skippedAttachments);
    job.progress("storing", 90);
    return prepared;
}

// Where a crawled page links to, resolved as a browser would: against its
// <base href>, itself resolved against the page's URL after redirects.
CrawlPage IngestJobHandler::crawlPageOf(const Input &input)
{
    CrawlPage page;
    page.url = input.fetchedUrl;
    const QUrl base = input.document.baseUrl.isEmpty()
                          ? input.fetchedUrl
                          : input.fetchedUrl.resolved(QUrl(input.document.baseUrl));
    if (!input.document.canonicalUrl.isEmpty())
        page.canonicalUrl = base.resolved(QUrl(input.document.canonicalUrl));
    for (const QString &link : input.document.links)
        page.links.append(base.resolved(QUrl(link)));
    return page;
}

void IngestJobHandler::followUp(const JobFields &fields, PreparedJob &job)
{
    if (fields.value("crawl_id").isEmpty())
        return;
    try {
        if (!m_crawlQueue)
            m_crawlQueue = std::make_unique<JobQueue>(m_redis);
        CrawlFrontier(*m_crawlQueue, m_fetcher)
            .follow(fields, static_cast<PreparedIngest &>(job).crawlPage);
    } catch (const RedisUnavailable &error) {
        // The page is stored; its links are lost to the crawl, which says so.
        qCWarning(lcIngest, "crawl %s: the links of a page were not followed: %s",
                  fields.value("crawl_id").constData(), error.what());
    }
}

// A refresh whose page the server says is unchanged (304): nothing is
// fetched, extracted or written.
QJsonObject IngestJobHandler::unchangedResult(const JobContext &job, const Input &input)
{
    return {{QStringLiteral("ok"), true},
            {QStringLiteral("tenant"), field(job.fields, "tenant")},
            {QStringLiteral("source"), field(job.fields, "source")},
            {QStringLiteral("url"), input.record.url},
            {QStringLiteral("unchanged"), true},
            {QStringLiteral("not_modified"), true},
            {QStringLiteral("duplicate"), true},
            {QStringLiteral("ingested_chunks"), 0},
            {QStringLiteral("document_id"), input.unchangedDocumentId}};
}

bool IngestJobHandler::isStoredAlready(const DocumentRecord &document)
{
    try {
        const std::optional<StoredDocument> stored =
            m_store.find(document.tenant, document.identity());
        return stored && stored->contentHash == document.contentHash &&
               stored->jobId != document.jobId;
    } catch (const StoreError &) {
        return false; // the write will meet the same error and report it
    }
}

void IngestJobHandler::store(const QList<PreparedJob *> &jobs)
{
    QList<PreparedJob *> toWrite;
    QList<DocumentWrite *> writes;
    for (PreparedJob *job : jobs) {
        auto *ingest = static_cast<PreparedIngest *>(job);
        if (ingest->needsWrite) {
            toWrite.append(job);
            writes.append(&ingest->write);
            for (DocumentWrite &attachment : ingest->attachments)
                writes.append(&attachment);
        }
    }
    if (writes.isEmpty())
        return;
    try {
        m_store.writeBatch(writes);
    } catch (const StoreError &error) {
        // The transaction could not be made (disk full, store locked too long):
        // nothing was stored, and a later attempt may succeed.
        const auto failure = std::make_exception_ptr(
            IngestError(QStringLiteral("StoreError"), QString::fromLocal8Bit(error.what()),
                        IngestError::Retry::Transient));
        for (PreparedJob *job : toWrite)
            job->error = failure;
        return;
    }
    for (PreparedJob *job : toWrite) {
        auto *ingest = static_cast<PreparedIngest *>(job);
        if (ingest->write.error) {
            job->error = storeFailure(ingest->write.error);
            continue;
        }
        const DocumentWrite &write = ingest->write;
        job->result.insert(QStringLiteral("ingested_chunks"),
                           write.duplicate ? 0 : write.chunks.size());
        job->result.insert(QStringLiteral("document_id"), write.documentId);
        job->result.insert(QStringLiteral("duplicate"), write.duplicate);
        if (write.metadataUpdated)
            job->result.insert(QStringLiteral("metadata_updated"), true);
        if (ingest->refresh) // the same content again: the page did not change
            job->result.insert(QStringLiteral("unchanged"), write.duplicate);
        if (write.replacedDocumentId != 0)
            job->result.insert(QStringLiteral("replaced_document_id"), write.replacedDocumentId);
        if (!ingest->attachments.isEmpty() || !ingest->skippedAttachments.isEmpty())
            job->result.insert(QStringLiteral("attachments"),
                               attachmentResults(ingest->attachments, ingest->skippedAttachments));
        job->result.insert(QStringLiteral("latency_ms"),
                           qRound(ingest->timer.nsecsElapsed() / 100000.0) / 10.0);
    }
}

QJsonObject IngestJobHandler::resultJson(const QByteArray &type, const DocumentRecord &record,
                                         const ExtractedDocument &document)
{
    QJsonObject result{{QStringLiteral("ok"), true},
                       {QStringLiteral("tenant"), record.tenant},
                       {QStringLiteral("source"), record.source},
                       {QStringLiteral("detected_type"), document.kind},
                       {QStringLiteral("characters"), record.textChars}};
    if (type == "url")
        result.insert(QStringLiteral("url"), record.url);
    if (type == "file")
        result.insert(QStringLiteral("filename"), record.fileName);
    if (!record.title.isEmpty())
        result.insert(QStringLiteral("title"), record.title);
    if (document.pageCount > 0)
        result.insert(QStringLiteral("pages"), document.pageCount);
    if (document.kind == QLatin1String("pdf")) {
        QJsonArray blank;
        for (int page : document.pagesWithoutText)
            blank.append(page);
        result.insert(QStringLiteral("pages_without_text"), blank);
    }
    return result;
}

} // namespace aether
