#pragma once

#include "config/redisurl.h"
#include "crawl/crawlfrontier.h"
#include "extract/extractorregistry.h"
#include "fetch/urlfetcher.h"
#include "ocr/pagerecognition.h"
#include "queue/jobhandler.h"
#include "store/knowledgestore.h"
#include "text/chunker.h"
#include "text/embedder.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QUrl>
#include <memory>

namespace aether {

struct PipelineSettings
{
    QString databasePath;
    ChunkerOptions chunker;
    UrlFetchOptions fetch;
    bool ocr = true;                              // OCR=auto
    QString ocrLanguages = QStringLiteral("eng"); // OCR_LANGS
    RedisUrl redis; // where a crawl's next pages are queued (core/crawl/crawlfrontier.h)
};

// The ingest pipeline for one worker thread, data flowing one way:
// job -> source (text, URL fetch, file bytes) -> Extractor -> Chunker ->
// Embedder -> KnowledgeStore. Owns this thread's store connection. Reports each
// stage and stops at the job's CancelToken between units of work.
class IngestJobHandler : public JobHandler
{
public:
    IngestJobHandler(const PipelineSettings &settings, std::unique_ptr<Embedder> embedder);

    std::unique_ptr<PreparedJob> prepare(const JobContext &job) override;
    void store(const QList<PreparedJob *> &jobs) override;
    void followUp(const JobFields &fields, PreparedJob &job) override;

    static EmbedderInfo describe(const Embedder &embedder);

private:
    struct Input
    {
        ExtractedDocument document;
        DocumentRecord record;
        QByteArray bytes;               // as fetched or uploaded, for OCR of pages without text
        qint64 unchangedDocumentId = 0; // a refresh the server answered 304: this one stays
        QUrl fetchedUrl;                // URL jobs: after redirects
    };

    Input textInput(const JobContext &job) const;
    Input urlInput(const JobContext &job);
    std::optional<StoredDocument> storedPage(const JobContext &job, const QUrl &url);
    static QJsonObject unchangedResult(const JobContext &job, const Input &input);
    static CrawlPage crawlPageOf(const Input &input);
    Input fileInput(const JobContext &job) const;
    QList<Vector> embedAll(const QList<Chunk> &chunks, const JobContext &job);
    QJsonObject readPagesWithoutText(Input &input, const JobContext &job);
    bool isStoredAlready(const DocumentRecord &document);
    // An e-mail's supported attachments as documents of their own, written with
    // the mail (core/ingest/attachmentingest.cpp); the unsupported ones in `skipped`.
    QList<DocumentWrite> prepareAttachments(const Input &mail, const DocumentWrite &mailWrite,
                                            const JobContext &job, QJsonArray &skipped);
    static QJsonObject resultJson(const QByteArray &type, const DocumentRecord &record,
                                  const ExtractedDocument &document);

    std::unique_ptr<Embedder> m_embedder;
    KnowledgeStore m_store;
    Chunker m_chunker;
    UrlFetcher m_fetcher;
    const ExtractorRegistry &m_extractors;
    bool m_ocrEnabled = true;
    QString m_ocrLanguages;
    std::unique_ptr<OcrEngine> m_ocr; // made at the first page to read: Tesseract loads ~20 MB
    RedisUrl m_redis;
    std::unique_ptr<JobQueue> m_crawlQueue; // made at the first crawl page this thread runs
};

} // namespace aether
