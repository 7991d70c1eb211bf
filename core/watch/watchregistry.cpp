#include "watch/watchregistry.h"

#include "queue/redisconnection.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

namespace aether {

namespace {

const QByteArray kWatches = "rq:watches";

QByteArray watchKey(const QByteArray &id)
{
    return QByteArray("rq:watch:").append(id);
}

QByteArray filesKey(const QByteArray &id)
{
    return watchKey(id).append(":files");
}

const QString kTimeFormat = QStringLiteral("yyyy-MM-dd HH:mm:ss");

// Only while the watch exists: a removed watch must not come back as a stub.
const QByteArray kRecordState = "if redis.call('EXISTS', KEYS[1]) == 1 then "
                                "redis.call('HSET', KEYS[1], unpack(ARGV)) end return 0";

} // namespace

QByteArray WatchRegistry::newId()
{
    return QUuid::createUuid().toByteArray(QUuid::WithoutBraces).left(8);
}

QByteArray WatchRegistry::settingsId(const QString &path, const QString &source)
{
    const QByteArray key = path.toUtf8().append('\n').append(source.toUtf8());
    return QByteArray("cfg-").append(
        QCryptographicHash::hash(key, QCryptographicHash::Sha1).toHex().left(8));
}

void WatchRegistry::add(const WatchedFolder &folder)
{
    const QByteArray patterns =
        QJsonDocument(QJsonArray::fromStringList(folder.patterns)).toJson(QJsonDocument::Compact);
    m_redis.pipeline({{"HSET", watchKey(folder.id), "id", folder.id, "path", folder.path.toUtf8(),
                       "source", folder.source.toUtf8(), "patterns", patterns, "tenant",
                       folder.tenant.toUtf8(), "origin", folder.origin.toUtf8(), "operator",
                       folder.byOperator ? "1" : "0", "metadata", folder.metadata},
                      {"SADD", kWatches, folder.id}});
}

bool WatchRegistry::remove(const QByteArray &id)
{
    const QList<RedisReply> replies =
        m_redis.pipeline({{"SREM", kWatches, id}, {"DEL", watchKey(id), filesKey(id)}});
    return replies[0].integer() == 1;
}

WatchRegistry::Entry WatchRegistry::entryFrom(const QHash<QByteArray, QByteArray> &fields)
{
    Entry entry;
    entry.folder.id = fields.value("id");
    entry.folder.path = QString::fromUtf8(fields.value("path"));
    entry.folder.source = QString::fromUtf8(fields.value("source"));
    for (const QJsonValue &pattern : QJsonDocument::fromJson(fields.value("patterns")).array())
        entry.folder.patterns.append(pattern.toString());
    entry.folder.tenant = QString::fromUtf8(fields.value("tenant"));
    entry.folder.origin = QString::fromUtf8(fields.value("origin"));
    entry.folder.metadata = fields.value("metadata");
    // A watch registered before "operator" was recorded counts as a tenant's
    // (checked at each scan), unless the settings made it.
    entry.folder.byOperator =
        entry.folder.origin == QLatin1String("settings") || fields.value("operator") == "1";
    entry.state.filesTracked = fields.value("files_tracked").toInt();
    entry.state.lastScanAt =
        QDateTime::fromString(QString::fromLatin1(fields.value("last_scan_at")), kTimeFormat);
    entry.state.lastScanAt.setTimeSpec(Qt::UTC);
    entry.state.lastError = QString::fromUtf8(fields.value("last_error"));
    entry.state.queued = fields.value("queued").toInt();
    entry.state.removed = fields.value("removed").toInt();
    return entry;
}

QList<WatchRegistry::Entry> WatchRegistry::list()
{
    QList<QByteArray> ids = m_redis.command({"SMEMBERS", kWatches}).strings();
    std::sort(ids.begin(), ids.end());
    QList<RedisCommand> reads;
    for (const QByteArray &id : ids)
        reads.append({"HGETALL", watchKey(id)});
    QList<Entry> entries;
    if (reads.isEmpty())
        return entries;
    for (const RedisReply &reply : m_redis.pipeline(reads)) {
        const QHash<QByteArray, QByteArray> fields = reply.hash();
        if (!fields.isEmpty())
            entries.append(entryFrom(fields));
    }
    return entries;
}

std::optional<WatchRegistry::Entry> WatchRegistry::find(const QByteArray &id)
{
    const QHash<QByteArray, QByteArray> fields = m_redis.command({"HGETALL", watchKey(id)}).hash();
    if (fields.isEmpty())
        return std::nullopt;
    return entryFrom(fields);
}

bool WatchRegistry::contains(const QByteArray &id)
{
    return m_redis.command({"SISMEMBER", kWatches, id}).integer() == 1;
}

QHash<QString, QByteArray> WatchRegistry::knownHashes(const QByteArray &id)
{
    QHash<QString, QByteArray> known;
    const QHash<QByteArray, QByteArray> stored = m_redis.command({"HGETALL", filesKey(id)}).hash();
    for (auto it = stored.cbegin(); it != stored.cend(); ++it)
        known.insert(QString::fromUtf8(it.key()), it.value());
    return known;
}

void WatchRegistry::setHash(const QByteArray &id, const QString &relativePath,
                            const QByteArray &hash)
{
    m_redis.command({"HSET", filesKey(id), relativePath.toUtf8(), hash});
}

void WatchRegistry::removeHash(const QByteArray &id, const QString &relativePath)
{
    m_redis.command({"HDEL", filesKey(id), relativePath.toUtf8()});
}

void WatchRegistry::recordState(const QByteArray &id, const WatchState &state)
{
    m_redis.script(kRecordState, {watchKey(id)},
                   {"files_tracked", QByteArray::number(state.filesTracked), "last_scan_at",
                    state.lastScanAt.toString(kTimeFormat).toLatin1(), "last_error",
                    state.lastError.toUtf8(), "queued", QByteArray::number(state.queued), "removed",
                    QByteArray::number(state.removed)});
}

} // namespace aether
