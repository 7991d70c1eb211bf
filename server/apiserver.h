#pragma once

#include "access/accesspolicy.h"
#include "server/auththrottle.h"
#include "server/hostpolicy.h"
#include "server/httpmetrics.h"
#include "server/router.h"

#include <QAbstractHttpServer>
#include <QHostAddress>
#include <functional>
#include <memory>
#include <optional>

namespace aether {

class ConnectionGuard;
struct RequestHead;

// The REST server. Every answer, errors and unknown routes included, is JSON.
// Routes are registered by the route classes (IngestRoutes, OpsRoutes, ...);
// this class checks roles, maps failures to statuses in one place, and writes.
// Host, route, key and role are decided on the request head, before its body
// is read (ConnectionGuard's gate), and checked again when QHttpServer hands
// the whole request over.
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
    // The bytes of request bodies in flight at once (MAX_INFLIGHT_MB).
    void setMaxInflightBytes(qint64 bytes);
    // Requests carrying this secret in kWindowTokenHeader (the desktop window's
    // own) are never refused by, nor counted in, the wrong-key throttle: a
    // local process guessing keys must not lock the window out. Empty: none.
    void setWindowToken(QByteArray token) { m_windowToken = std::move(token); }
    static constexpr const char *kWindowTokenHeader = "x-aether-window";

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
    // A request's header values by lower-case name, from whichever parser has it.
    using HeaderLookup = std::function<QByteArray(const QByteArray &)>;

    // What the head of a request decides: its route, or why it is refused.
    struct Screening
    {
        const Route *route = nullptr;
        QStringList parameters;
        AccessDecision access;
        std::optional<ApiReply> refusal;
        QString routeLabel; // for metrics: the route pattern, or "unmatched"
    };
    // `countFailures`: wrong keys count towards a ban (once per request, on
    // the head; not again when the whole request arrives).
    Screening screen(const QByteArray &method, const QString &path, const HeaderLookup &header,
                     const QHostAddress &client, bool countFailures);
    std::optional<ApiReply> screenHead(const RequestHead &head, const QHostAddress &client);
    // Checks the credentials against the route's role, with the throttle.
    AccessDecision authorize(const Route &route, const QString &path, const HeaderLookup &header,
                             const QHostAddress &client, bool countFailures);
    ApiReply refusalFor(const AccessDecision &access, const QHostAddress &client) const;
    bool carriesWindowToken(const HeaderLookup &header) const;
    ApiReply runRoute(const Route &route, const QHttpServerRequest &request,
                      const QStringList &parameters, const AccessDecision &access,
                      const ReplySender &answer);

    AccessPolicy m_access;
    Router m_router;
    HostPolicy m_hostPolicy;
    AuthThrottle m_authThrottle;
    QByteArray m_windowToken;
    // Shared with answers still pending when the server goes away.
    std::shared_ptr<HttpMetrics> m_httpMetrics = std::make_shared<HttpMetrics>();
    ConnectionGuard *m_tcpServer;
};

} // namespace aether
