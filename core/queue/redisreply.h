#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <memory>

struct redisReply;

namespace aether {

// Owns one hiredis reply (freed with freeReplyObject) and reads it as Qt types.
class RedisReply
{
public:
    RedisReply() = default;
    explicit RedisReply(redisReply *reply);

    bool isNull() const; // nil, or no reply at all
    bool isError() const;
    bool isArray() const;
    long long integer() const;
    QByteArray string() const;                  // status, string or error text
    QList<QByteArray> strings() const;          // elements of an array reply
    QHash<QByteArray, QByteArray> hash() const; // HGETALL's flat field/value array
    const redisReply *raw() const { return m_reply.get(); }

private:
    struct Free
    {
        void operator()(redisReply *reply) const;
    };
    std::shared_ptr<redisReply> m_reply;
};

} // namespace aether
