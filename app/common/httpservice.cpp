#include "common/httpservice.h"

#include "common/liveservices.h"

#include "access/accesspolicy.h"
#include "embed/embedderfactory.h"
#include "queue/jobadmin.h"
#include "queue/jobqueue.h"
#include "server/accessroutes.h"
#include "server/apiserver.h"
#include "server/bulkroutes.h"
#include "server/dashboardroutes.h"
#include "server/enqueuebatcher.h"
#include "server/ingestroutes.h"
#include "server/jobroutes.h"
#include "server/knowledgeroutes.h"
#include "server/metricsroutes.h"
#include "server/openapiroutes.h"
#include "server/opsroutes.h"
#include "server/queueroutes.h"
#include "server/searchroutes.h"

#include <QHostAddress>
#include <QLoggingCategory>
#include <sys/resource.h>

namespace aether {

namespace {

Q_LOGGING_CATEGORY(lcHttp, "aether.service")

// Multipart framing around an upload of exactly MAX_UPLOAD_MB must still pass
// the body guard; the file itself is checked against the limit by the route.
constexpr qint64 kMultipartSlackBytes = 1024 * 1024;

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
        qCWarning(lcHttp, "cannot raise the open-file limit to %llu",
                  static_cast<unsigned long long>(limit.rlim_max));
}

} // namespace

HttpService::HttpService(Inputs inputs)
    : m_settings(inputs.settings), m_redisUrl(std::move(inputs.redis)),
      m_embedderInfo(std::move(inputs.embedder)), m_storeHealth(inputs.storeHealth),
      m_windowToken(std::move(inputs.windowToken))
{}

HttpService::~HttpService()
{
    m_server.reset(); // no new requests
    m_live.reset();
    m_metricsRoutes.reset();
    m_knowledgeRoutes.reset();
    m_searchRoutes.reset();
    m_bulkRoutes.reset();
    m_queueRoutes.reset();
    m_jobRoutes.reset();
    m_jobAdmin.reset();
    m_opsRoutes.reset();
    m_ingestRoutes.reset();
    m_batcher.reset();
    m_queue.reset();
}

bool HttpService::start(QString *error)
{
    raiseOpenFileLimit();
    std::optional<AccessPolicy> access = AccessPolicy::create(
        m_settings.apiKeys, m_settings.adminKey, m_settings.listensOnLoopbackOnly(), error);
    if (!access)
        return false;
    if (access->usesDevelopmentKeys())
        qCWarning(lcHttp, "no API keys configured: accepting the development keys (loopback only)");
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
    m_opsRoutes = std::make_unique<OpsRoutes>(*m_queue, m_storeHealth);
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
    DashboardRoutes().registerOn(m_server->router());
    AccessRoutes().registerOn(m_server->router());

    const QHostAddress address = m_settings.host == QLatin1String("localhost")
                                     ? QHostAddress(QHostAddress::LocalHost)
                                     : QHostAddress(m_settings.host);
    if (!m_server->listenOn(address, m_settings.port, error))
        return false;
    qCInfo(lcHttp, "REST API on http://%s:%u", qPrintable(m_settings.host),
           unsigned(m_server->port()));
    m_live->start();
    return true;
}

QList<RouteInfo> HttpService::routes() const
{
    return m_server ? m_server->router().routes() : QList<RouteInfo>();
}

quint16 HttpService::port() const
{
    return m_server ? m_server->port() : 0;
}

} // namespace aether
