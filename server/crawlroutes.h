#pragma once

#include "server/joboptions.h"
#include "server/router.h"

namespace aether {

class JobAdmin;
class JobQueue;

// Site crawls (editor): POST /knowledge/crawl-async {url, max_pages, max_depth,
// include, exclude, same_site, source, metadata} starts one (its pages are URL
// jobs of one batch whose id is the crawl's: GET /ops/batches/{id}, batch
// webhooks and events work for it); GET /knowledge/crawls/{id} says how far it
// is and what it skipped; POST /knowledge/crawls/{id}/cancel stops it: no page
// is queued any more and the queued ones are canceled. Another tenant's crawl
// is answered 404. How pages are chosen: core/crawl/crawlfrontier.h.
class CrawlRoutes
{
public:
    static constexpr int kDefaultMaxPages = 100;
    static constexpr int kDefaultMaxDepth = 5;
    static constexpr int kMaxDepth = 100;
    static constexpr int kMaxGlobs = 50;
    static constexpr int kMaxGlobChars = 300;

    CrawlRoutes(JobQueue &queue, JobAdmin &admin, IngestLimits limits, int delayMs);
    void registerOn(Router &router);

private:
    ApiReply start(const RouteContext &context);
    ApiReply status(const RouteContext &context);
    ApiReply cancel(const RouteContext &context);

    JobQueue &m_queue;
    JobAdmin &m_admin;
    IngestLimits m_limits;
    int m_delayMs;
};

} // namespace aether
