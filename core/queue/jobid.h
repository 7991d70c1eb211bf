#pragma once

#include "queue/redisconnection.h"

#include <QByteArray>
#include <algorithm>

namespace aether {

// Ids are path segments in the API: accept only what a UUID has.
inline bool isPlausibleJobId(const QByteArray &id)
{
    if (id.isEmpty() || id.size() > 64)
        return false;
    return std::all_of(id.cbegin(), id.cend(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_';
    });
}

// Runs an operator script; an error reply (a bug or a full Redis) is reported
// like an outage, as the request cannot be served.
inline RedisReply runAdminScript(RedisConnection &redis, const QByteArray &source,
                                 const QList<QByteArray> &keys, const QList<QByteArray> &arguments)
{
    RedisReply reply = redis.script(source, keys, arguments);
    if (reply.isError())
        throw RedisUnavailable(
            QStringLiteral("Redis refused the request: %1").arg(QString::fromUtf8(reply.string())));
    return reply;
}

} // namespace aether
