#pragma once

#include "config/settings.h"
#include "server/router.h"
#include "store/knowledgestore.h"

#include <memory>

namespace aether {

class ApiServer;
class BulkRoutes;
class EnqueueBatcher;
class IngestRoutes;
class JobAdmin;
class JobQueue;
class JobRoutes;
class KnowledgeRoutes;
class LiveServices;
class MetricsRoutes;
class OpsRoutes;
class QueueRoutes;
class SearchRoutes;
class StoreHealth;

// The REST server with its routes and what serves them (the queue connection
// the routes share, the enqueue batcher, batches, events, webhooks and
// watched folders). Built, run and destroyed on the server's own thread
// (ServerThread), so that no route's Redis or store call ever holds up the
// window (docs/ARCHITECTURE.md, "Threads").
class HttpService
{
public:
    struct Inputs
    {
        const Settings &settings;
        RedisUrl redis;
        EmbedderInfo embedder;
        const StoreHealth &storeHealth;
        QByteArray windowToken; // see ApiServer::setWindowToken
    };

    explicit HttpService(Inputs inputs);
    ~HttpService(); // closes the server first, then what its routes used

    // Builds the routes and listens; false with *error.
    bool start(QString *error);

    quint16 port() const;
    QList<RouteInfo> routes() const;

private:
    const Settings &m_settings;
    RedisUrl m_redisUrl;
    EmbedderInfo m_embedderInfo;
    const StoreHealth &m_storeHealth;
    QByteArray m_windowToken;
    std::unique_ptr<JobQueue> m_queue;
    std::unique_ptr<EnqueueBatcher> m_batcher;
    std::unique_ptr<IngestRoutes> m_ingestRoutes;
    std::unique_ptr<OpsRoutes> m_opsRoutes;
    std::unique_ptr<JobAdmin> m_jobAdmin; // over m_queue's connection
    std::unique_ptr<JobRoutes> m_jobRoutes;
    std::unique_ptr<QueueRoutes> m_queueRoutes;
    std::unique_ptr<BulkRoutes> m_bulkRoutes;
    std::unique_ptr<SearchRoutes> m_searchRoutes;
    std::unique_ptr<KnowledgeRoutes> m_knowledgeRoutes;
    std::unique_ptr<MetricsRoutes> m_metricsRoutes;
    std::unique_ptr<LiveServices> m_live; // batches, events, webhooks, watched folders
    std::unique_ptr<ApiServer> m_server;
};

} // namespace aether
