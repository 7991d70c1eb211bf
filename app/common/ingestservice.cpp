#include "common/ingestservice.h"

#include "common/liveservices.h"

#include "access/accesspolicy.h"
#include "embed/embedderfactory.h"
#include "ingest/ingestjobhandler.h"
#include "queue/embeddedredis.h"
#include "queue/jobadmin.h"
#include "queue/jobqueue.h"
#include "queue/layoutupgrade.h"
#include "queue/workerpool.h"
#include "server/apiserver.h"
#include "server/bulkroutes.h"
#include "server/enqueuebatcher.h"
#include "server/ingestroutes.h"
#include "server/jobroutes.h"
#include "server/knowledgeroutes.h"
#include "server/metricsroutes.h"
#include "server/openapiroutes.h"
#include "server/opsroutes.h"
#include "server/queueroutes.h"
#include "server/searchroutes.h"
#include "store/knowledgestore.h"
#include "store/storehealth.h"

#include <QHostAddress>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <sys/resource.h>

namespace aether {

namespace {

Q_LOGGING_CATEGORY(lcService, "aether.service")

// 256 random bits, as hex: not guessable, so exempting it from the wrong-key
// ban opens nothing to a guesser.
QByteArray randomWindowToken()
{
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(bytes.begin(), bytes.end());
    return bytes.toHex();
}

// Multipart framing around an upload of exactly MAX_UPLOAD_MB must still pass
// the body guard; the file itself is checked against the limit by the route.
constexpr qint64 kMultipartSlackBytes = 1024 * 1024;

PipelineSettings pipelineSettings(const Settings &settings)
{
    PipelineSettings pipeline;
    pipeline.databasePath = settings.databasePath;
    pipeline.chunker = ChunkerOptions{settings.chunkSize, settings.chunkOverlap};
    pipeline.fetch.allowPrivate = PrivateAccess(settings.urlAllowPrivate, settings.urlAllowHosts);
    return pipeline;
}

// Each client connection is a descriptor; the usual soft limit of 1024 would
// make a few hundred idle clients (plus Redis, the store and watches) starve
// everyone else, so the soft limit goes up to the hard one, as Redis does.
void raiseOpenFileLimit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max)
        return;
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
        qCWarning(lcService, "cannot raise the open-file limit to %llu",
                  static_cast<unsigned long long>(limit.rlim_max));
}

} // namespace

IngestService::IngestService(Settings settings, QObject *parent)
    : QObject(parent), m_settings(std::move(settings))
{}

IngestService::~IngestService()
{
    stop();
}

bool IngestService::start(QString *error)
{
    if (!startRedis(error) || !checkStore(error))
        return false;
    upgradeQueueLayout();
    if (!m_settings.noServer && !startServer(error))
        return false;
    startWorkers();
    return true;
}

void IngestService::stop()
{
    m_server.reset(); // no new jobs
    m_live.reset();
    if (m_workers) {
        qCInfo(lcService, "stopping %d workers (running jobs get %d s to finish)",
               m_workers->size(), m_settings.shutdownGraceSec);
        m_workers->stop(m_settings.shutdownGraceSec * 1000);
        m_workers.reset();
    }
    m_metricsRoutes.reset();
    m_knowledgeRoutes.reset();
    m_bulkRoutes.reset();
    m_queueRoutes.reset();
    m_jobRoutes.reset();
    m_jobAdmin.reset();
    m_opsRoutes.reset();
    m_ingestRoutes.reset();
    m_batcher.reset();
    m_queue.reset();
    m_embeddedRedis.reset();
    m_storeHealth.reset();
}

// A queue written before the RQ-compatible layout is upgraded once, before
// this process serves or works on it; with Redis away, the next start does it.
void IngestService::upgradeQueueLayout()
{
    try {
        RedisConnection redis(m_redisUrl, 10000);
        LayoutUpgrade(redis, m_settings.resultTtlSec, m_settings.failureTtlSec).runIfNeeded();
    } catch (const RedisUnavailable &error) {
        qCWarning(lcService, "cannot check the queue's Redis layout now: %s", error.what());
    }
}

bool IngestService::startRedis(QString *error)
{
    if (m_settings.redis) {
        m_redisUrl = *m_settings.redis;
        qCInfo(lcService, "using Redis at %s", qPrintable(m_redisUrl.toDisplayString()));
        return true;
    }
    if (const std::optional<RedisUrl> shared = EmbeddedRedis::findRunning(m_settings.dataDir)) {
        m_redisUrl = *shared;
        qCInfo(lcService, "sharing the private Redis another process runs at %s",
               qPrintable(m_redisUrl.toDisplayString()));
        return true;
    }
    m_embeddedRedis = std::make_unique<EmbeddedRedis>(m_settings.dataDir);
    if (!m_embeddedRedis->start(error))
        return false;
    m_redisUrl = m_embeddedRedis->url();
    qCInfo(lcService, "started a private redis-server (pid %lld) at %s", m_embeddedRedis->pid(),
           qPrintable(m_redisUrl.toDisplayString()));
    return true;
}

// Opening the store once here turns a wrong DATABASE_URL or embedder into a
// clear start-up error instead of every job failing.
bool IngestService::checkStore(QString *error)
{
    try {
        m_embedderInfo = IngestJobHandler::describe(*createEmbedder(embedderConfig(m_settings)));
    } catch (const std::invalid_argument &invalid) {
        *error = QString::fromLocal8Bit(invalid.what());
        return false;
    }
    try {
        KnowledgeStore store(m_settings.databasePath);
        store.open(m_embedderInfo);
        if (const QString why = store.embedderMismatch(); !why.isEmpty())
            qCWarning(lcService, "%s; ingest jobs fail until then", qPrintable(why));
    } catch (const StoreBusy &busy) {
        // Another process holds the store's lock (a backup, a long
        // transaction): not a wrong setting. The workers wait for it, backing
        // off, and the server starts meanwhile.
        qCWarning(lcService, "the store is locked by another process (%s); workers wait for it",
                  busy.what());
    } catch (const StoreError &failure) {
        *error = QString::fromLocal8Bit(failure.what());
        return false;
    }
    qCInfo(lcService, "store: %s", qPrintable(m_settings.databasePath));
    m_storeHealth = std::make_unique<StoreHealth>(m_settings.databasePath);
    m_storeHealth->startCheck();
    return true;
}

bool IngestService::startServer(QString *error)
{
    raiseOpenFileLimit();
    std::optional<AccessPolicy> access = AccessPolicy::create(
        m_settings.apiKeys, m_settings.adminKey, m_settings.listensOnLoopbackOnly(), error);
    if (!access)
        return false;
    if (access->usesDevelopmentKeys())
        qCWarning(lcService,
                  "no API keys configured: accepting the development keys (loopback only)");
    // The job index keeps ids as long as the longest-lived job hash.
    const qint64 retentionMs =
        qint64(qMax(m_settings.resultTtlSec, m_settings.failureTtlSec) + 3600) * 1000;
    m_queue = std::make_unique<JobQueue>(m_redisUrl, retentionMs);
    m_queue->setJobTtls(m_settings.resultTtlSec, m_settings.failureTtlSec);
    m_server =
        std::make_unique<ApiServer>(*access, m_settings.maxUploadBytes() + kMultipartSlackBytes);
    m_server->setHostPolicy(
        HostPolicy(m_settings.listensOnLoopbackOnly(), m_settings.allowedHosts));
    m_server->setAuthThrottle(AuthThrottle(m_settings.authMaxFailures, m_settings.authBanSec));
    m_server->setIdleTimeout(m_settings.httpIdleTimeoutSec * 1000);
    m_server->setMaxInflightBytes(m_settings.maxInflightBytes());
    m_windowToken = randomWindowToken();
    m_server->setWindowToken(m_windowToken);
    IngestLimits limits{m_settings.maxUploadBytes(), m_settings.jobTimeoutSec,
                        PrivateAccess(m_settings.urlAllowPrivate, m_settings.urlAllowHosts),
                        m_settings.urlAllowCredentials ? input::UrlCredentials::Allowed
                                                       : input::UrlCredentials::Refused};
    m_batcher = std::make_unique<EnqueueBatcher>(*m_queue);
    m_live = std::make_unique<LiveServices>(m_settings, m_redisUrl, m_embedderInfo);
    if (!m_live->configure(error))
        return false;
    m_ingestRoutes =
        std::make_unique<IngestRoutes>(*m_queue, *m_batcher, limits, m_live->webhooks());
    m_ingestRoutes->registerOn(m_server->router());
    m_opsRoutes = std::make_unique<OpsRoutes>(*m_queue, *m_storeHealth);
    m_opsRoutes->registerOn(m_server->router());
    m_jobAdmin = std::make_unique<JobAdmin>(m_queue->connection(), m_settings.failureTtlSec);
    m_jobRoutes = std::make_unique<JobRoutes>(*m_queue, *m_jobAdmin);
    m_jobRoutes->registerOn(m_server->router());
    m_live->registerOn(m_server->router(), *m_queue, *m_jobAdmin, limits);
    m_queueRoutes = std::make_unique<QueueRoutes>(*m_jobAdmin);
    m_queueRoutes->registerOn(m_server->router());
    m_bulkRoutes = std::make_unique<BulkRoutes>(m_redisUrl, m_settings.failureTtlSec);
    m_bulkRoutes->registerOn(m_server->router());
    m_searchRoutes = std::make_unique<SearchRoutes>(m_settings.databasePath,
                                                    createEmbedder(embedderConfig(m_settings)));
    m_searchRoutes->registerOn(m_server->router());
    m_knowledgeRoutes =
        std::make_unique<KnowledgeRoutes>(m_settings.databasePath, m_embedderInfo, *m_batcher);
    m_knowledgeRoutes->registerOn(m_server->router());
    m_metricsRoutes = std::make_unique<MetricsRoutes>(
        *m_jobAdmin, m_queue->connection(), m_settings.databasePath, m_server->httpMetrics());
    m_metricsRoutes->registerOn(m_server->router());
    OpenApiRoutes().registerOn(m_server->router());

    const QHostAddress address = m_settings.host == QLatin1String("localhost")
                                     ? QHostAddress(QHostAddress::LocalHost)
                                     : QHostAddress(m_settings.host);
    if (!m_server->listenOn(address, m_settings.port, error))
        return false;
    qCInfo(lcService, "REST API on http://%s:%u", qPrintable(m_settings.host),
           unsigned(m_server->port()));
    m_live->start();
    return true;
}

void IngestService::startWorkers()
{
    if (m_settings.workers == 0) {
        qCInfo(lcService, "WORKERS=0: serving the API only, no workers in this process");
        return;
    }
    PoolOptions options;
    options.workerCount = m_settings.workers;
    options.worker.resultTtlSec = m_settings.resultTtlSec;
    options.worker.failureTtlSec = m_settings.failureTtlSec;
    options.worker.retryBackoffMs = m_settings.retryBackoffMs;
    options.worker.defaultTimeoutSec = m_settings.jobTimeoutSec;
    options.supervisor.failureTtlSec = m_settings.failureTtlSec;
    const PipelineSettings pipeline = pipelineSettings(m_settings);
    const EmbedderConfig embedder = embedderConfig(m_settings);
    JobHandlerFactory factory = [pipeline, embedder] {
        return std::make_unique<IngestJobHandler>(pipeline, createEmbedder(embedder));
    };
    m_workers = std::make_unique<WorkerPool>(m_redisUrl, options, factory);
    m_workers->start();
    qCInfo(lcService, "%d workers on queue ingest", m_workers->size());
}

QList<RouteInfo> IngestService::routes() const
{
    return m_server ? m_server->router().routes() : QList<RouteInfo>();
}

quint16 IngestService::port() const
{
    return m_server ? m_server->port() : 0;
}

} // namespace aether
