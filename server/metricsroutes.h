#pragma once

#include "server/jobendtally.h"
#include "server/metricstext.h"
#include "server/router.h"

namespace aether {

class HttpMetrics;
class JobAdmin;
class RedisConnection;

// GET /metrics: Prometheus text format 0.0.4, or OpenMetrics 1.0.0 when the
// request's Accept asks for application/openmetrics-text (MetricsText).
// Public to clients on loopback (a Prometheus on the same host); from
// elsewhere it needs the admin role (x-admin-key or an admin x-api-key), like
// /ops/*.
class MetricsRoutes
{
public:
    MetricsRoutes(JobAdmin &admin, RedisConnection &redis, QString databasePath, HttpMetrics &http);
    void registerOn(Router &router);

private:
    ApiReply metrics(const RouteContext &context);
    void appendQueue(MetricsText &out);
    void appendJobEnds(MetricsText &out) const;
    void appendHttp(MetricsText &out) const;
    void appendHttpDurations(MetricsText &out) const;
    void appendRefusals(MetricsText &out) const;
    void appendStore(MetricsText &out) const;
    static void appendProcess(MetricsText &out);

    JobAdmin &m_admin;
    RedisConnection &m_redis;
    QString m_databasePath;
    HttpMetrics &m_http;
    JobEndTally m_jobEnds;
};

} // namespace aether
