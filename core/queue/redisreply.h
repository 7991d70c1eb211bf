#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <memory>

struct redisReply;

namespace aether {

// One hiredis reply (freed with freeReplyObject when the last copy goes), or a
// part of one (an element of an array reply), read as Qt types.
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
    qsizetype size() const;                     // elements of an array reply
    RedisReply element(qsizetype index) const;

private:
    RedisReply(std::shared_ptr<redisReply> root, const redisReply *node)
        : m_root(std::move(root)), m_node(node)
    {}

    std::shared_ptr<redisReply> m_root;
    const redisReply *m_node = nullptr;
};

} // namespace aether
