#include "server/apiserver.h"

#include "queue/redisconnection.h"
#include "server/bodysizeguard.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QMetaEnum>

namespace aether {

namespace {

Q_LOGGING_CATEGORY(lcServer, "aether.server")

QByteArray methodName(QHttpServerRequest::Method method)
{
    const char *key = QMetaEnum::fromType<QHttpServerRequest::Method>().valueToKey(int(method));
    return key ? QByteArray(key).toUpper() : QByteArray("UNKNOWN");
}

Credentials credentialsOf(const QHttpServerRequest &request)
{
    return Credentials{request.value("x-api-key"), request.value("x-role"), request.value("x-admin-key"),
                       request.value("x-tenant")};
}

} // namespace

ApiServer::ApiServer(AccessPolicy access, qint64 maxBodyBytes, QObject *parent)
    : QAbstractHttpServer(parent), m_access(std::move(access)), m_tcpServer(new BodySizeGuard(maxBodyBytes, this))
{
}

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

ApiReply ApiServer::runRoute(const Route &route, const QHttpServerRequest &request, const QStringList &parameters)
{
    AccessDecision access;
    if (route.role) {
        const bool opsRoute = request.url().path().startsWith(QLatin1String("/ops/"));
        access = m_access.decide(credentialsOf(request), *route.role, opsRoute);
        if (!access.allowed())
            return ApiReply::error(access.status, access.error);
    }
    try {
        return route.handler(RouteContext{request, parameters, access});
    } catch (const ApiError &error) {
        return ApiReply::error(error.status, error.message);
    } catch (const RedisUnavailable &error) {
        return ApiReply::error(503, QStringLiteral("queue unavailable: ") + error.message());
    } catch (const std::exception &error) {
        qCCritical(lcServer, "internal error on %s: %s", qPrintable(request.url().path()), error.what());
        return ApiReply::error(500, QStringLiteral("internal error"));
    }
}

ApiReply ApiServer::dispatch(const QHttpServerRequest &request)
{
    const QByteArray method = methodName(request.method());
    const Router::Match match = m_router.match(method, request.url().path());
    if (match.route)
        return runRoute(*match.route, request, match.parameters);
    if (!match.allowedMethods.isEmpty()) {
        ApiReply reply = ApiReply::error(405, QStringLiteral("method %1 is not allowed here").arg(QString::fromLatin1(method)));
        reply.headers.append({"Allow", match.allowedMethods.join(", ")});
        return reply;
    }
    return ApiReply::error(404, QStringLiteral("no route for %1 %2").arg(QString::fromLatin1(method), request.url().path()));
}

bool ApiServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    send(request, socket, dispatch(request));
    return true;
}

void ApiServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    send(request, socket, ApiReply::error(404, QStringLiteral("not found")));
}

void ApiServer::send(const QHttpServerRequest &request, QTcpSocket *socket, const ApiReply &reply)
{
    QHttpServerResponder responder = makeResponder(request, socket);
    const QByteArray body = QJsonDocument(reply.body).toJson(QJsonDocument::Compact);
    responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(reply.status));
    responder.writeHeader("Content-Type", "application/json");
    responder.writeHeader("Content-Length", QByteArray::number(body.size()));
    for (const auto &[name, value] : reply.headers)
        responder.writeHeader(name, value);
    responder.writeBody(body);
}

} // namespace aether
