#pragma once

#include "extract/extractorregistry.h"
#include "fetch/urlfetcher.h"
#include "queue/jobhandler.h"
#include "store/knowledgestore.h"
#include "text/chunker.h"
#include "text/embedder.h"

#include <memory>

namespace aether {

struct PipelineSettings
{
    QString databasePath;
    ChunkerOptions chunker;
    UrlFetchOptions fetch;
};

// The ingest pipeline for one worker thread, data flowing one way:
// job -> source (text, URL fetch, file bytes) -> Extractor -> Chunker ->
// Embedder -> KnowledgeStore. Owns this thread's store connection.
class IngestJobHandler : public JobHandler
{
public:
    IngestJobHandler(const PipelineSettings &settings, std::unique_ptr<Embedder> embedder);

    QJsonObject run(const QByteArray &id, const JobFields &fields, const QByteArray &blob) override;

    static EmbedderInfo describe(const Embedder &embedder);

private:
    struct Input
    {
        ExtractedDocument document;
        DocumentRecord record;
    };

    Input textInput(const JobFields &fields) const;
    Input urlInput(const JobFields &fields) const;
    Input fileInput(const JobFields &fields, const QByteArray &blob) const;
    QList<Vector> embedAll(const QList<Chunk> &chunks);

    std::unique_ptr<Embedder> m_embedder;
    KnowledgeStore m_store;
    Chunker m_chunker;
    UrlFetcher m_fetcher;
    const ExtractorRegistry &m_extractors;
};

} // namespace aether
