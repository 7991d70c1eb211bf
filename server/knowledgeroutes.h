#pragma once

#include "server/enqueuebatcher.h"
#include "server/router.h"
#include "store/documentcatalog.h"
#include "store/knowledgestore.h"

namespace aether {

// The stored documents of the request's tenant, and store maintenance:
//   GET /knowledge/documents?source=&limit=&offset= (viewer): a page, newest first
//   GET /knowledge/documents/{id} (viewer): one document's metadata and chunk count
//   DELETE /knowledge/documents/{id} (editor): the document, its chunks, vectors and index entries
//   POST /ops/reindex (admin): re-embed every chunk with the configured embedder, as a job
// Another tenant's document is a 404, exactly like one that does not exist.
class KnowledgeRoutes
{
public:
    KnowledgeRoutes(const QString &databasePath, const EmbedderInfo &embedder,
                    EnqueueBatcher &batcher);
    void registerOn(Router &router);

    static constexpr int kDefaultPageSize = 50;
    static constexpr int kMaxPageSize = 500;
    static constexpr int kReindexTimeoutSec = 86400;

private:
    ApiReply list(const RouteContext &context);
    ApiReply show(const RouteContext &context);
    ApiReply remove(const RouteContext &context);
    ApiReply reindex(const RouteContext &context);
    KnowledgeStore &store();

    QString m_databasePath;
    EmbedderInfo m_embedder;
    EnqueueBatcher &m_batcher;
    DocumentCatalog m_catalog;
    std::unique_ptr<KnowledgeStore> m_store; // opened on first delete
};

} // namespace aether
