#pragma once

#include "server/router.h"
#include "server/searchthread.h"

namespace aether {

// GET /knowledge/search?q=...&k=5[&source=...&mode=...] and POST
// /knowledge/search {query, k?, source?, mode?} (viewer or higher): the
// passages of the request's tenant that best answer the query. The search
// runs on its own thread; the answer follows when it is done.
class SearchRoutes
{
public:
    SearchRoutes(const QString &databasePath, std::unique_ptr<Embedder> queryEmbedder);
    void registerOn(Router &router);

    static constexpr int kMaxK = 50;

private:
    ApiReply searchByUrl(const RouteContext &context);
    ApiReply searchByBody(const RouteContext &context);
    ApiReply answer(const RouteContext &context, SearchQuery query);

    SearchThread m_search;
};

} // namespace aether
