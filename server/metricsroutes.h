#pragma once

#include "server/jobendtally.h"
#include "server/router.h"

namespace aether {

class HttpMetrics;
class JobAdmin;
class RedisConnection;

// GET /metrics: Prometheus text format 0.0.4. Public to clients on loopback
// (a Prometheus on the same host); from elsewhere it needs the admin role
// (x-admin-key or an admin x-api-key), like /ops/*.
class MetricsRoutes
{
public:
    MetricsRoutes(JobAdmin &admin, RedisConnection &redis, QString databasePath, HttpMetrics &http);
    void registerOn(Router &router);

private:
    ApiReply metrics(const RouteContext &context);
    void appendQueue(QByteArray &out);
    void appendJobEnds(QByteArray &out) const;
    void appendHttp(QByteArray &out) const;
    void appendStore(QByteArray &out) const;

    JobAdmin &m_admin;
    RedisConnection &m_redis;
    QString m_databasePath;
    HttpMetrics &m_http;
    JobEndTally m_jobEnds;
};

} // namespace aether
