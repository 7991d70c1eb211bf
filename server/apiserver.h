#pragma once

#include "access/accesspolicy.h"
#include "server/auththrottle.h"
#include "server/hostpolicy.h"
#include "server/httpmetrics.h"
#include "server/router.h"

#include <QAbstractHttpServer>
#include <QHostAddress>
#include <memory>

namespace aether {

class ConnectionGuard;

// The REST server. Every answer, errors and unknown routes included, is JSON.
// Routes are registered by the route classes (IngestRoutes, OpsRoutes, ...);
// this class checks roles, maps failures to statuses in one place, and writes.
class ApiServer : public QAbstractHttpServer
{
    Q_OBJECT

public:
    ApiServer(AccessPolicy access, qint64 maxBodyBytes, QObject *parent = nullptr);

    Router &router() { return m_router; }
    void setHostPolicy(HostPolicy policy) { m_hostPolicy = std::move(policy); }
    void setAuthThrottle(AuthThrottle throttle) { m_authThrottle = std::move(throttle); }
    // Idle and slow connections are closed after this long (HTTP_IDLE_TIMEOUT).
    void setIdleTimeout(int milliseconds);
    const Router &router() const { return m_router; }
    // Answers written so far, by route and status (GET /metrics).
    HttpMetrics &httpMetrics() { return *m_httpMetrics; }

    // Listens on address:port (port 0: any free port); false with *error.
    bool listenOn(const QHostAddress &address, quint16 port, QString *error);
    quint16 port() const;

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    ApiReply dispatch(const QHttpServerRequest &request, const QByteArray &method,
                      const Router::Match &match, const ReplySender &answer);
    // Checks the credentials against the route's role, with the throttle.
    AccessDecision authorize(const Route &route, const QHttpServerRequest &request);
    ApiReply runRoute(const Route &route, const QHttpServerRequest &request,
                      const QStringList &parameters, const ReplySender &answer);

    AccessPolicy m_access;
    Router m_router;
    HostPolicy m_hostPolicy;
    AuthThrottle m_authThrottle;
    // Shared with answers still pending when the server goes away.
    std::shared_ptr<HttpMetrics> m_httpMetrics = std::make_shared<HttpMetrics>();
    ConnectionGuard *m_tcpServer;
};

} // namespace aether
