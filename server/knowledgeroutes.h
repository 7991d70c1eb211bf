#pragma once

#include "server/blockingworkthread.h"
#include "server/enqueuebatcher.h"
#include "server/router.h"
#include "store/documentcatalog.h"
#include "store/knowledgestore.h"

namespace aether {

// The stored documents of the request's tenant, and store maintenance:
//   GET /knowledge/documents?source=&q=&limit=&before_id=&offset= (viewer): a page, newest
//     first, of the documents from `source` whose title, source, type, file name or URL
//     contains `q`; `before_id` pages by id, so documents stored meanwhile shift nothing
//   GET /knowledge/documents/{id} (viewer): one document's metadata and chunk count
//   GET /knowledge/documents/{id}/text (viewer): its stored text, joined from its chunks
//   GET /knowledge/documents/{id}/chunks?limit=&after= (viewer): its chunks in order, a page
//     at a time (`after`: the position the page before ended at)
//   GET /knowledge/sources (viewer): the tenant's sources with their document counts
//   DELETE /knowledge/documents/{id} (editor): the document, its chunks, vectors and index entries
//   POST /ops/reindex (admin): re-embed with the configured embedder, as a job: every
//     tenant's chunks for an operator key without x-tenant, else the tenant's only
//     (409 when that would change the store's embedder)
// Another tenant's document is a 404, exactly like one that does not exist.
// The store is read and written on a thread of its own: a delete may wait for
// a worker's write transaction, and the HTTP thread must never wait.
class KnowledgeRoutes
{
public:
    KnowledgeRoutes(const QString &databasePath, const EmbedderInfo &embedder,
                    EnqueueBatcher &batcher);
    ~KnowledgeRoutes();
    void registerOn(Router &router);

    static constexpr int kDefaultPageSize = 50;
    static constexpr int kMaxPageSize = 500;
    static constexpr int kMaxFilterChars = 256; // q on GET /knowledge/documents
    // A preview's worth, not a download: longer texts are cut and marked truncated.
    static constexpr qsizetype kMaxTextCharacters = 2 * 1024 * 1024;

private:
    ApiReply list(const RouteContext &context);
    ApiReply show(const RouteContext &context);
    ApiReply text(const RouteContext &context);
    ApiReply chunks(const RouteContext &context);
    ApiReply sources(const RouteContext &context);
    ApiReply remove(const RouteContext &context);
    ApiReply reindex(const RouteContext &context);
    // Runs `work` on the store thread and answers with its reply.
    ApiReply onStoreThread(const RouteContext &context, std::function<ApiReply()> work);
    KnowledgeStore &store(); // on the store thread only

    QString m_databasePath;
    EmbedderInfo m_embedder;
    EnqueueBatcher &m_batcher;
    // Used on m_storeThread only; its connection opens there on first use.
    std::unique_ptr<DocumentCatalog> m_catalog;
    std::unique_ptr<KnowledgeStore> m_store; // opened on first delete
    BlockingWorkThread m_storeThread{QStringLiteral("documents")};
};

} // namespace aether
