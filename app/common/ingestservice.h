#pragma once

#include "config/settings.h"
#include "server/router.h"
#include "store/knowledgestore.h"

#include <QObject>
#include <memory>

namespace aether {

class ApiServer;
class EmbeddedRedis;
class BulkRoutes;
class EnqueueBatcher;
class IngestRoutes;
class JobAdmin;
class JobQueue;
class JobRoutes;
class OpsRoutes;
class SearchRoutes;
class StoreHealth;
class KnowledgeRoutes;
class LiveServices;
class MetricsRoutes;
class QueueRoutes;
class WorkerPool;

// Everything one Aether Ingest process runs, started in order and stopped in
// reverse: the private Redis (when no REDIS_URL), the store check, the worker
// pool and the REST server. Both programs own one; the window (later) shows it.
class IngestService : public QObject
{
    Q_OBJECT

public:
    explicit IngestService(Settings settings, QObject *parent = nullptr);
    ~IngestService() override;

    bool start(QString *error);
    void stop();

    quint16 port() const;
    const RedisUrl &redisUrl() const { return m_redisUrl; }
    // Batches, events, webhooks and watched folders; null without the server.
    LiveServices *live() const { return m_live.get(); }
    QList<RouteInfo> routes() const; // the REST server's, empty without one
    // A secret made at start that exempts requests carrying it from the
    // wrong-key ban (ApiServer::setWindowToken). Only the desktop window is
    // given it; it never leaves the process otherwise.
    const QByteArray &windowToken() const { return m_windowToken; }

private:
    bool startRedis(QString *error);
    void upgradeQueueLayout();
    bool checkStore(QString *error);
    bool startServer(QString *error);
    void startWorkers();

    Settings m_settings;
    EmbedderInfo m_embedderInfo; // the configured embedder, as the store records it
    RedisUrl m_redisUrl;
    QByteArray m_windowToken;
    std::unique_ptr<EmbeddedRedis> m_embeddedRedis;
    std::unique_ptr<StoreHealth> m_storeHealth; // the store file's presence and soundness
    std::unique_ptr<WorkerPool> m_workers;
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
    std::unique_ptr<LiveServices> m_live; // batches, events, webhooks
    std::unique_ptr<ApiServer> m_server;
};

} // namespace aether
