#pragma once

#include "config/settings.h"
#include "notify/webhookdirectory.h"
#include "server/joboptions.h"
#include "store/knowledgestore.h"
#include "watch/watchfence.h"

#include <memory>

namespace aether {

class BatchRoutes;
class CrawlRoutes;
class EventFeed;
class EventRoutes;
class RefreshRoutes;
class RefreshScheduler;
class JobAdmin;
class JobQueue;
class Router;
class WatchRoutes;
class WatchService;
class WebhookDispatcher;

// What a server process runs beside the request routes so that clients need
// not poll, and folders and pages stay in sync: batches, the event stream (an
// EventFeed thread), webhook delivery (a WebhookDispatcher thread), watched
// folders (a WatchService on its own thread) and scheduled refreshes of URLs
// (a RefreshScheduler timer on the server's thread). Owned by HttpService, on the server's
// thread (app/common/serverthread.h); the threads
// stop when it goes.
class LiveServices
{
public:
    LiveServices(const Settings &settings, RedisUrl redis, EmbedderInfo embedder);
    ~LiveServices();

    // Reads the webhook and watch settings (WATCH_ROOTS unset: none); false
    // with *error when malformed.
    bool configure(QString *error);
    // WEBHOOK_URLS' URLs pass the checks a request's webhook_url gets (a bad
    // setting, checked before the start so that it ends with exit code 2).
    static bool checkDefaultWebhooks(const Settings &settings, QString *error);
    const WebhookDirectory &webhooks() const { return m_webhooks; }

    void registerOn(Router &router, JobQueue &queue, JobAdmin &admin, const IngestLimits &limits);
    void start();
    // The watched folders' service (lives on its own thread; connect to its
    // signals, call its slots queued). Null before start().
    WatchService *watches() const { return m_watches; }

private:
    bool registerSettingsWatches(JobQueue &queue);
    void startWatches();

    const Settings &m_settings;
    RedisUrl m_redis;
    EmbedderInfo m_embedder;
    WebhookDirectory m_webhooks;
    WatchFence m_watchFence;
    std::unique_ptr<EventFeed> m_feed;
    std::unique_ptr<EventRoutes> m_eventRoutes;
    std::unique_ptr<BatchRoutes> m_batchRoutes;
    std::unique_ptr<WebhookDispatcher> m_dispatcher;
    std::unique_ptr<WatchRoutes> m_watchRoutes;
    std::unique_ptr<RefreshRoutes> m_refreshRoutes;
    std::unique_ptr<CrawlRoutes> m_crawlRoutes;
    std::unique_ptr<RefreshScheduler> m_refreshScheduler; // on the server's thread
    QThread *m_watchThread = nullptr;
    WatchService *m_watches = nullptr; // lives on m_watchThread
};

} // namespace aether
