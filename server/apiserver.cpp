#include "server/apiserver.h"

#include "queue/redisconnection.h"
#include "server/connectionguard.h"
#include "server/httpwire.h"
#include "server/replyorder.h"

#include <QHttpServerRequest>
#include <QLoggingCategory>
#include <QPointer>
#include <QTcpSocket>

namespace aether {

namespace {

Q_LOGGING_CATEGORY(lcServer, "aether.server")

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return QByteArrayLiteral("GET");
    case QHttpServerRequest::Method::Post:
        return QByteArrayLiteral("POST");
    case QHttpServerRequest::Method::Put:
        return QByteArrayLiteral("PUT");
    case QHttpServerRequest::Method::Delete:
        return QByteArrayLiteral("DELETE");
    case QHttpServerRequest::Method::Head:
        return QByteArrayLiteral("HEAD");
    case QHttpServerRequest::Method::Options:
        return QByteArrayLiteral("OPTIONS");
    case QHttpServerRequest::Method::Patch:
        return QByteArrayLiteral("PATCH");
    default:
        return QByteArrayLiteral("OTHER");
    }
}

Credentials credentialsOf(const QHttpServerRequest &request)
{
    return Credentials{request.value("x-api-key"), request.value("x-role"),
                       request.value("x-admin-key"), request.value("x-tenant")};
}

} // namespace

ApiServer::ApiServer(AccessPolicy access, qint64 maxBodyBytes, QObject *parent)
    : QAbstractHttpServer(parent), m_access(std::move(access)),
      m_tcpServer(new ConnectionGuard(maxBodyBytes, this))
{}

bool ApiServer::listenOn(const QHostAddress &address, quint16 port, QString *error)
{
    if (!m_tcpServer->listen(address, port)) {
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                     .arg(address.toString())
                     .arg(port)
                     .arg(m_tcpServer->errorString());
        return false;
    }
    bind(m_tcpServer);
    return true;
}

quint16 ApiServer::port() const
{
    return m_tcpServer->serverPort();
}

AccessDecision ApiServer::authorize(const Route &route, const QHttpServerRequest &request)
{
    const bool loopbackClient = route.publicOnLoopback && request.remoteAddress().isLoopback();
    if (!route.role || loopbackClient)
        return AccessDecision{};
    const QHostAddress client = request.remoteAddress();
    if (const int wait = m_authThrottle.banSecondsLeft(client)) {
        AccessDecision banned;
        banned.status = 429;
        banned.error = QStringLiteral("too many wrong API keys from this address; try again in "
                                      "%1 s")
                           .arg(wait);
        return banned;
    }
    // x-admin-key counts on /ops/* and on /metrics (an operator's scraper).
    const QString path = request.url().path();
    const bool opsRoute =
        path.startsWith(QLatin1String("/ops/")) || path == QLatin1String("/metrics");
    const Credentials credentials = credentialsOf(request);
    const AccessDecision access = m_access.decide(credentials, *route.role, opsRoute);
    const bool presentedKey = !credentials.apiKey.isEmpty() || !credentials.adminKey.isEmpty();
    if (access.status == 401 && presentedKey)
        m_authThrottle.recordFailure(client);
    else if (access.allowed())
        m_authThrottle.recordSuccess(client);
    return access;
}

void ApiServer::setIdleTimeout(int milliseconds)
{
    m_tcpServer->setIdleTimeout(milliseconds);
}

ApiReply ApiServer::runRoute(const Route &route, const QHttpServerRequest &request,
                             const QStringList &parameters, const ReplySender &answer)
{
    const AccessDecision access = authorize(route, request);
    if (!access.allowed()) {
        ApiReply refusal = ApiReply::error(access.status, access.error);
        if (access.status == 429)
            refusal.headers.append({"Retry-After", QByteArray::number(m_authThrottle.banSecondsLeft(
                                                       request.remoteAddress()))});
        return refusal;
    }
    try {
        return route.handler(RouteContext{request, parameters, access, answer});
    } catch (const ApiError &error) {
        return ApiReply::error(error.status, error.message);
    } catch (const RedisUnavailable &error) {
        return ApiReply::queueUnavailable(error.message());
    } catch (const std::exception &error) {
        qCCritical(lcServer, "internal error on %s: %s", qPrintable(request.url().path()),
                   error.what());
        return ApiReply::error(500, QStringLiteral("internal error"));
    }
}

ApiReply ApiServer::dispatch(const QHttpServerRequest &request, const QByteArray &method,
                             const Router::Match &match, const ReplySender &answer)
{
    if (!m_hostPolicy.allows(request.value("Host")))
        return ApiReply::error(
            421, QStringLiteral("this server does not answer for the host '%1' (add it to "
                                "ALLOWED_HOSTS to allow it)")
                     .arg(HostPolicy::hostName(request.value("Host"))));
    if (match.route)
        return runRoute(*match.route, request, match.parameters, answer);
    if (!match.allowedMethods.isEmpty()) {
        ApiReply reply = ApiReply::error(
            405, QStringLiteral("method %1 is not allowed here").arg(QString::fromLatin1(method)));
        reply.headers.append({"Allow", match.allowedMethods.join(", ")});
        return reply;
    }
    return ApiReply::error(404, QStringLiteral("no route for %1 %2")
                                    .arg(QString::fromLatin1(method), request.url().path()));
}

bool ApiServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const bool close = request.value("Connection").toLower() == "close";
    const QByteArray method = methodName(request.method());
    const Router::Match match = m_router.match(method, request.url().path());
    const QString route = match.route ? match.route->pattern : QStringLiteral("unmatched");
    ReplyOrder *order = ReplyOrder::of(socket);
    const quint64 slot = order->reserve();
    const ReplySender answer = [metrics = m_httpMetrics, order = QPointer<ReplyOrder>(order), slot,
                                close, method, route](const ApiReply &reply) {
        metrics->record(method, route, reply.status);
        if (order) // gone with its socket when the client left
            order->deliver(slot, httpResponseBytes(reply, close), close);
    };
    const ApiReply reply = dispatch(request, method, match, answer);
    if (reply.stream) { // Server-Sent Events: the route keeps the connection
        m_httpMetrics->record(method, route, reply.status);
        order->deliver(slot, reply.streamHead, false);
        order->holdOpen();
        reply.stream(socket);
    } else if (!reply.isDeferred()) {
        answer(reply);
    }
    return true;
}

void ApiServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    Q_UNUSED(request);
    socket->write(httpResponseBytes(ApiReply::error(404, QStringLiteral("not found")), false));
}

} // namespace aether
