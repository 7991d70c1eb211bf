#include "server/apiserver.h"

#include "queue/redisconnection.h"
#include "server/admittedrequests.h"
#include "server/connectionguard.h"
#include "server/httpwire.h"
#include "server/replyorder.h"
#include "server/requesthead.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHttpServerRequest>
#include <QLoggingCategory>
#include <QPointer>
#include <QTcpSocket>
#include <QUrl>

namespace aether {

namespace {

Q_LOGGING_CATEGORY(lcServer, "aether.server")

// Metrics label methods from a fixed set: a client inventing methods must not
// grow the metrics without end.
QByteArray methodLabel(const QByteArray &method)
{
    static const QList<QByteArray> known{"GET",  "POST",    "PUT",  "DELETE",
                                         "HEAD", "OPTIONS", "PATCH"};
    return known.contains(method) ? method : QByteArrayLiteral("OTHER");
}

Credentials credentialsOf(const std::function<QByteArray(const QByteArray &)> &header)
{
    return Credentials{header("x-api-key"), header("x-role"), header("x-admin-key"),
                       header("x-tenant")};
}

// True when QHttpServer hands over the request ConnectionGuard admitted: if
// the two parsers ever framed the bytes differently, this fails closed.
bool isAdmittedRequest(const AdmittedRequest &admitted, const QHttpServerRequest &request)
{
    using Method = QHttpServerRequest::Method;
    static const QHash<QByteArray, Method> methods{
        {"GET", Method::Get},     {"PUT", Method::Put},        {"DELETE", Method::Delete},
        {"POST", Method::Post},   {"HEAD", Method::Head},      {"OPTIONS", Method::Options},
        {"PATCH", Method::Patch}, {"CONNECT", Method::Connect}};
    const QUrl target = QUrl::fromEncoded(admitted.target);
    return methods.value(admitted.method, Method::Unknown) == request.method() &&
           target.path() == request.url().path() && target.query() == request.url().query() &&
           admitted.host == request.value("host") &&
           admitted.keysDigest == AdmittedRequest::digestOfKeys(request.value("x-api-key"),
                                                                request.value("x-admin-key"));
}

} // namespace

ApiServer::ApiServer(AccessPolicy access, qint64 maxBodyBytes, QObject *parent)
    : QAbstractHttpServer(parent), m_access(std::move(access)),
      m_tcpServer(new ConnectionGuard(maxBodyBytes, this))
{
    m_tcpServer->setHeadGate([this](const RequestHead &head, const QHostAddress &client) {
        return screenHead(head, client);
    });
    m_tcpServer->setRefusalCounter(
        [metrics = m_httpMetrics](int status) { metrics->recordRefusal(status); });
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
    m_tcpServer->followServerReads();
    return true;
}

quint16 ApiServer::port() const
{
    return m_tcpServer->serverPort();
}

void ApiServer::setIdleTimeout(int milliseconds)
{
    m_tcpServer->setIdleTimeout(milliseconds);
}

void ApiServer::setMaxInflightBytes(qint64 bytes)
{
    m_tcpServer->setMaxInflightBytes(bytes);
}

bool ApiServer::carriesWindowToken(const HeaderLookup &header) const
{
    return !m_windowToken.isEmpty() &&
           constantTimeEquals(header(kWindowTokenHeader).trimmed(), m_windowToken);
}

AccessDecision ApiServer::authorize(const Route &route, const QString &path,
                                    const HeaderLookup &header, const QHostAddress &client,
                                    bool countFailures)
{
    const bool loopbackClient = route.publicOnLoopback && client.isLoopback();
    if (!route.role || loopbackClient)
        return AccessDecision{};
    const bool window = carriesWindowToken(header);
    if (!window && m_authThrottle.banSecondsLeft(client) > 0) {
        AccessDecision banned;
        banned.status = 429;
        banned.error = QStringLiteral("too many wrong API keys from this address; try again in "
                                      "%1 s")
                           .arg(m_authThrottle.banSecondsLeft(client));
        return banned;
    }
    // x-admin-key counts on /ops/* and on /metrics (an operator's scraper).
    const bool opsRoute =
        path.startsWith(QLatin1String("/ops/")) || path == QLatin1String("/metrics");
    const Credentials credentials = credentialsOf(header);
    const AccessDecision access = m_access.decide(credentials, *route.role, opsRoute);
    const bool presentedKey = !credentials.apiKey.isEmpty() || !credentials.adminKey.isEmpty();
    // Right keys do not clear the count (AuthThrottle): a guesser holding one
    // valid key would otherwise never be banned.
    if (access.status == 401 && presentedKey && countFailures && !window)
        m_authThrottle.recordFailure(client);
    return access;
}

// The one place access refusals become answers.
ApiReply ApiServer::refusalFor(const AccessDecision &access, const QHostAddress &client) const
{
    ApiReply refusal = ApiReply::error(access.status, access.error);
    if (access.status == 401)
        refusal.headers.append({QByteArrayLiteral("WWW-Authenticate"),
                                QByteArrayLiteral("ApiKey realm=\"aether-ingest\", "
                                                  "header=\"x-api-key\"")});
    if (access.status == 429)
        refusal.headers.append(
            {"Retry-After", QByteArray::number(qMax(1, m_authThrottle.banSecondsLeft(client)))});
    return refusal;
}

ApiServer::Screening ApiServer::screen(const QByteArray &method, const QString &path,
                                       const HeaderLookup &header, const QHostAddress &client,
                                       bool countFailures)
{
    Screening result;
    const Router::Match match = m_router.match(method, path);
    result.routeLabel = match.route ? match.route->pattern : QStringLiteral("unmatched");
    const QByteArray host = header("host");
    if (!m_hostPolicy.allows(host)) {
        result.refusal = ApiReply::error(
            421, QStringLiteral("this server does not answer for the host '%1' (add it to "
                                "ALLOWED_HOSTS to allow it)")
                     .arg(HostPolicy::hostName(host)));
        return result;
    }
    if (!match.route && !match.allowedMethods.isEmpty()) {
        ApiReply reply = ApiReply::error(
            405, QStringLiteral("method %1 is not allowed here").arg(QString::fromLatin1(method)));
        reply.headers.append({"Allow", match.allowedMethods.join(", ")});
        result.refusal = reply;
        return result;
    }
    if (!match.route) {
        result.refusal = ApiReply::error(
            404, QStringLiteral("no route for %1 %2").arg(QString::fromLatin1(method), path));
        return result;
    }
    result.route = match.route;
    result.parameters = match.parameters;
    result.access = authorize(*match.route, path, header, client, countFailures);
    if (!result.access.allowed())
        result.refusal = refusalFor(result.access, client);
    return result;
}

std::optional<ApiReply> ApiServer::screenHead(const RequestHead &head, const QHostAddress &client)
{
    const QString path = QUrl::fromEncoded(head.target).path();
    const HeaderLookup header = [&head](const QByteArray &name) { return head.value(name); };
    Screening screening = screen(head.method, path, header, client, true);
    // Bodies that no route would read are refused before their bytes count
    // towards MAX_INFLIGHT_MB: the public routes are all GETs, and a keyless
    // client must not be able to hold the budget with them.
    static const QList<QByteArray> bodiless{"GET", "HEAD", "DELETE", "OPTIONS"};
    if (!screening.refusal && (head.contentLength > 0 || head.chunked) &&
        bodiless.contains(head.method))
        screening.refusal =
            ApiReply::error(400, QStringLiteral("%1 %2 takes no request body")
                                     .arg(QString::fromLatin1(head.method), screening.routeLabel));
    if (screening.refusal)
        m_httpMetrics->record(methodLabel(head.method), screening.routeLabel,
                              screening.refusal->status);
    return screening.refusal;
}

ApiReply ApiServer::runRoute(const Route &route, const QHttpServerRequest &request,
                             const QStringList &parameters, const AccessDecision &access,
                             const ReplySender &answer)
{
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

bool ApiServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    AdmittedRequests *admitted = AdmittedRequests::of(socket);
    if (admitted->isClosing())
        return true; // sent after a request that ended the connection
    ReplyOrder *order = ReplyOrder::of(socket);
    const std::optional<AdmittedRequest> head = admitted->take();
    // Its answer's place was taken when ConnectionGuard admitted its head.
    const quint64 slot = head ? head->replySlot : order->reserve();
    if (!head || !isAdmittedRequest(*head, request)) {
        // QHttpServer found a request where ConnectionGuard did not, or
        // another one: the two framed the bytes differently, and neither
        // reading can be trusted.
        admitted->markClosing();
        m_httpMetrics->recordRefusal(400);
        order->deliver(
            slot,
            httpResponseBytes(ApiReply::error(400, QStringLiteral("malformed request")), true),
            true);
        return true;
    }
    const bool close = !head->keepAlive;
    if (close)
        admitted->markClosing();
    const bool headOnly = head->method == "HEAD";
    const QByteArray method = methodLabel(head->method);
    const HeaderLookup header = [&request](const QByteArray &name) { return request.value(name); };
    const Screening screening = screen(head->method, request.url().path(), header,
                                       request.remoteAddress(), !head->keyCounted);
    // Refusals on the whole request (a ban begun since its head) count as
    // refusals before routing; answers of routes are timed.
    if (screening.refusal)
        m_httpMetrics->recordRefusal(screening.refusal->status);
    QElapsedTimer clock;
    clock.start();
    const bool routed = !screening.refusal;
    const ReplySender answer = [metrics = m_httpMetrics, order = QPointer<ReplyOrder>(order), slot,
                                close, headOnly, method, route = screening.routeLabel, clock,
                                routed](const ApiReply &reply) {
        metrics->record(method, route, reply.status);
        if (routed)
            metrics->observe(method, route, reply.status, clock.nsecsElapsed() / 1e9);
        if (order) // gone with its socket when the client left
            order->deliver(slot, httpResponseBytes(reply, close, headOnly), close);
    };
    const ApiReply reply =
        screening.refusal
            ? *screening.refusal
            : runRoute(*screening.route, request, screening.parameters, screening.access, answer);
    if (reply.stream && !headOnly) { // Server-Sent Events: the route keeps the connection
        m_httpMetrics->record(method, screening.routeLabel, reply.status);
        m_httpMetrics->observe(method, screening.routeLabel, reply.status,
                               clock.nsecsElapsed() / 1e9);
        order->deliver(slot, reply.streamHead, false);
        order->holdOpen();
        reply.stream(socket);
    } else if (reply.stream) { // HEAD of a stream: its head, and the end
        m_httpMetrics->record(method, screening.routeLabel, reply.status);
        m_httpMetrics->observe(method, screening.routeLabel, reply.status,
                               clock.nsecsElapsed() / 1e9);
        admitted->markClosing();
        order->deliver(slot, reply.streamHead, true);
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
