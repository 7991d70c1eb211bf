#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

namespace aether {

// What a route answers: a status and a JSON body (plus rare extra headers).
struct ApiReply
{
    int status = 200;
    QJsonObject body;
    QList<QPair<QByteArray, QByteArray>> headers;

    static ApiReply ok(QJsonObject body)
    {
        body.insert(QStringLiteral("ok"), true);
        return ApiReply{200, std::move(body), {}};
    }
    static ApiReply error(int status, const QString &message)
    {
        return ApiReply{
            status,
            QJsonObject{{QStringLiteral("ok"), false}, {QStringLiteral("error"), message}},
            {}};
    }
    static ApiReply queueUnavailable(const QString &reason)
    {
        return error(503, QStringLiteral("queue unavailable: ") + reason);
    }
    // The route answers later through RouteContext::answer.
    static ApiReply deferred() { return ApiReply{0, {}, {}}; }
    bool isDeferred() const { return status == 0; }
};

// Thrown by request parsing in a route; the server answers it as an ApiReply.
struct ApiError
{
    int status;
    QString message;
};

} // namespace aether
