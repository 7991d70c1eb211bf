#include "queue/redisreply.h"

#include <hiredis/hiredis.h>

namespace aether {

void RedisReply::Free::operator()(redisReply *reply) const
{
    if (reply)
        freeReplyObject(reply);
}

RedisReply::RedisReply(redisReply *reply) : m_reply(reply, Free{}) {}

bool RedisReply::isNull() const
{
    return !m_reply || m_reply->type == REDIS_REPLY_NIL;
}

bool RedisReply::isError() const
{
    return m_reply && m_reply->type == REDIS_REPLY_ERROR;
}

bool RedisReply::isArray() const
{
    return m_reply && m_reply->type == REDIS_REPLY_ARRAY;
}

long long RedisReply::integer() const
{
    if (!m_reply)
        return 0;
    if (m_reply->type == REDIS_REPLY_INTEGER)
        return m_reply->integer;
    if (m_reply->type == REDIS_REPLY_STRING)
        return QByteArray(m_reply->str, qsizetype(m_reply->len)).toLongLong();
    return 0;
}

QByteArray RedisReply::string() const
{
    if (!m_reply || !m_reply->str)
        return {};
    return QByteArray(m_reply->str, qsizetype(m_reply->len));
}

QList<QByteArray> RedisReply::strings() const
{
    QList<QByteArray> out;
    if (!isArray())
        return out;
    out.reserve(qsizetype(m_reply->elements));
    for (size_t i = 0; i < m_reply->elements; ++i) {
        const redisReply *element = m_reply->element[i];
        out.append(element->str ? QByteArray(element->str, qsizetype(element->len)) : QByteArray());
    }
    return out;
}

QHash<QByteArray, QByteArray> RedisReply::hash() const
{
    QHash<QByteArray, QByteArray> out;
    const QList<QByteArray> flat = strings();
    for (qsizetype i = 0; i + 1 < flat.size(); i += 2)
        out.insert(flat[i], flat[i + 1]);
    return out;
}

} // namespace aether
