#include "common/ingestservice.h"

#include "common/httpservice.h"
#include "common/serverthread.h"
#include "embed/embedderfactory.h"
#include "ingest/ingestjobhandler.h"
#include "ingest/reindexjob.h"
#include "ocr/ocrengine.h"
#include "queue/embeddedredis.h"
#include "queue/jobqueue.h"
#include "queue/layoutupgrade.h"
#include "queue/rediskeys.h"
#include "queue/workerpool.h"
#include "store/knowledgestore.h"
#include "store/storehealth.h"
#include "store/storemeta.h"

#include <QLoggingCategory>
#include <QRandomGenerator>

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

PipelineSettings pipelineSettings(const Settings &settings)
{
    PipelineSettings pipeline;
    pipeline.databasePath = settings.databasePath;
    pipeline.chunker = ChunkerOptions{settings.chunkSize, settings.chunkOverlap};
    pipeline.ocr = settings.ocr != QLatin1String("off");
    pipeline.ocrLanguages = settings.ocrLangs;
    pipeline.fetch.allowPrivate = PrivateAccess(settings.urlAllowPrivate, settings.urlAllowHosts);
    return pipeline;
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
    reindexAfterEmbedderUpgrade();
    if (!m_settings.noServer && !startServer(error))
        return false;
    startWorkers();
    return true;
}

void IngestService::stop()
{
    stop(m_settings.shutdownGraceSec * 1000);
}

void IngestService::stop(int graceMs)
{
    m_server.reset(); // no new jobs; the routes go with their thread
    if (m_workers) {
        qCInfo(lcService, "stopping %d workers (running jobs get %d ms to finish)",
               m_workers->size(), graceMs);
        m_workers->stop(graceMs);
        m_workers.reset();
    }
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

// A store of an earlier built-in hash embedder (hash-v2) is re-embedded by
// the service itself: the hash embedder is local and fast, and no one has a
// choice to make. One process enqueues it (SET NX), at high priority; ingest
// jobs meanwhile are retried until the new vectors are in (ingestjobhandler.cpp).
void IngestService::reindexAfterEmbedderUpgrade()
{
    if (!storemeta::isBuiltInUpgrade(m_storedEmbedder, m_embedderInfo))
        return;
    try {
        RedisConnection redis(m_redisUrl, 10000);
        const QByteArray claim = keys::kEmbedderUpgradePrefix + m_embedderInfo.model.toUtf8();
        const RedisReply claimed = redis.command({"SET", claim, "1", "NX", "EX", "86400"});
        m_embedderMismatch.clear(); // nothing for the user to do (the desktop shows none)
        if (claimed.isNull()) {
            qCInfo(lcService,
                   "the store's re-index to %s is under way (another process started it)",
                   qPrintable(m_embedderInfo.model));
            return;
        }
        JobRequest request;
        request.type = JobType::Reindex;
        request.tenant = QString::fromLatin1(kEveryTenant);
        request.source = QStringLiteral("reindex");
        request.timeoutSec = kReindexTimeoutSec;
        request.maxAttempts = 1;
        request.priority = "high";
        const QByteArray id = JobQueue(m_redisUrl).enqueue(request);
        qCWarning(lcService,
                  "the built-in embedder changed from %s to %s: re-indexing the store (job %s); "
                  "ingest jobs meeting old vectors are retried meanwhile",
                  qPrintable(m_storedEmbedder.model), qPrintable(m_embedderInfo.model),
                  id.constData());
    } catch (const RedisUnavailable &error) {
        qCWarning(lcService, "cannot start the re-index of the store now: %s", error.what());
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
        m_embedderMismatch = store.embedderMismatch();
        m_storedEmbedder = store.storedEmbedder();
        if (!m_embedderMismatch.isEmpty() &&
            !storemeta::isBuiltInUpgrade(m_storedEmbedder, m_embedderInfo))
            qCWarning(lcService, "%s; ingest jobs fail until then", qPrintable(m_embedderMismatch));
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
    m_windowToken = randomWindowToken();
    m_server = std::make_unique<ServerThread>();
    const bool started = m_server->startServer(
        [this] {
            return std::make_unique<HttpService>(HttpService::Inputs{
                m_settings, m_redisUrl, m_embedderInfo, *m_storeHealth, m_windowToken});
        },
        error);
    if (!started)
        m_server.reset();
    return started;
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
    options.supervisor.maxRecoveries = m_settings.maxRecoveries;
    PipelineSettings pipeline = pipelineSettings(m_settings);
    pipeline.redis = m_redisUrl;
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
    return m_server ? m_server->routes() : QList<RouteInfo>();
}

quint16 IngestService::port() const
{
    return m_server ? m_server->port() : 0;
}

bool IngestService::checkOcrLanguages(const Settings &settings, QString *error)
{
    if (settings.ocr == QLatin1String("off"))
        return true;
    try {
        OcrEngine::checkLanguages(settings.ocrLangs);
        return true;
    } catch (const OcrUnavailable &missing) {
        *error = QString::fromLocal8Bit(missing.what());
        return false;
    }
}

} // namespace aether
