#include "queue/redisreply.h"

#include <hiredis/hiredis.h>

namespace aether {

RedisReply::RedisReply(redisReply *reply)
    : m_root(reply,
             [](redisReply *r) {
                 if (r)
                     freeReplyObject(r);
             }),
      m_node(reply)
{}

bool RedisReply::isNull() const
{
    return !m_node || m_node->type == REDIS_REPLY_NIL;
}

bool RedisReply::isError() const
{
    return m_node && m_node->type == REDIS_REPLY_ERROR;
}

bool RedisReply::isArray() const
{
    return m_node && m_node->type == REDIS_REPLY_ARRAY;
}

long long RedisReply::integer() const
{
    if (!m_node)
        return 0;
    if (m_node->type == REDIS_REPLY_INTEGER)
        return m_node->integer;
    if (m_node->type == REDIS_REPLY_STRING)
        return QByteArray(m_node->str, qsizetype(m_node->len)).toLongLong();
    return 0;
}

QByteArray RedisReply::string() const
{
    if (!m_node || !m_node->str)
        return {};
    return QByteArray(m_node->str, qsizetype(m_node->len));
}

qsizetype RedisReply::size() const
{
    return isArray() ? qsizetype(m_node->elements) : 0;
}

RedisReply RedisReply::element(qsizetype index) const
{
    if (index < 0 || index >= size())
        return {};
    return RedisReply(m_root, m_node->element[index]);
}

QList<QByteArray> RedisReply::strings() const
{
    QList<QByteArray> out;
    out.reserve(size());
    for (qsizetype i = 0; i < size(); ++i)
        out.append(element(i).string());
    return out;
}

QHash<QByteArray, QByteArray> RedisReply::hash() const
{
    QHash<QByteArray, QByteArray> out;
    const QList<QByteArray> flat = strings();
    out.reserve(flat.size() / 2);
    for (qsizetype i = 0; i + 1 < flat.size(); i += 2)
        out.insert(flat[i], flat[i + 1]);
    return out;
}

} // namespace aether
