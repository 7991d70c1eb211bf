#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <functional>

class QTcpSocket;

namespace aether {

// What a route answers: a status and a JSON body (plus rare extra headers).
struct ApiReply
{
    int status = 200;
    QJsonObject body;
    QList<QPair<QByteArray, QByteArray>> headers;
    // Set for the few answers that are not JSON (/metrics): sent instead of body.
    QByteArray rawContentType;
    QByteArray rawBody;
    // A streaming answer (Server-Sent Events): the server writes `streamHead`
    // in the connection's reply order, then hands the socket to `stream`.
    QByteArray streamHead;
    std::function<void(QTcpSocket *)> stream;

    static ApiReply ok(QJsonObject body)
    {
        body.insert(QStringLiteral("ok"), true);
        return ApiReply{200, std::move(body), {}, {}, {}, {}, {}};
    }
    static ApiReply error(int status, const QString &message)
    {
        return ApiReply{
            status, QJsonObject{{QStringLiteral("ok"), false}, {QStringLiteral("error"), message}},
            {},     {},
            {},     {},
            {}};
    }
    static ApiReply queueUnavailable(const QString &reason)
    {
        return error(503, QStringLiteral("queue unavailable: ") + reason);
    }
    // The route answers later through RouteContext::answer.
    static ApiReply deferred() { return ApiReply{0, {}, {}, {}, {}, {}, {}}; }
    static ApiReply raw(const QByteArray &contentType, QByteArray bytes)
    {
        return ApiReply{200, {}, {}, contentType, std::move(bytes), {}, {}};
    }
    // A 200 whose JSON text the route wrote itself (server/replyjson.h).
    static ApiReply json(QByteArray jsonText)
    {
        return raw(QByteArrayLiteral("application/json"), std::move(jsonText));
    }
    bool isDeferred() const { return status == 0; }
};

// Thrown by request parsing in a route; the server answers it as an ApiReply.
struct ApiError
{
    int status;
    QString message;
};

} // namespace aether
