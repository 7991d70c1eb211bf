#pragma once

#include "watch/watchedfolder.h"

#include <QHash>
#include <QList>
#include <optional>

namespace aether {

class RedisConnection;

// The watched folders as kept in Redis, shared by the routes, the watch
// service and the desktop app: rq:watches (set of ids), rq:watch:<id> (hash:
// the folder, who made it ("operator": 1 or 0) and its last state) and rq:watch:<id>:files (hash:
// relative path
// -> content hash of the version last queued). Throws RedisUnavailable.
class WatchRegistry
{
public:
    explicit WatchRegistry(RedisConnection &redis) : m_redis(redis) {}

    struct Entry
    {
        WatchedFolder folder;
        WatchState state;
    };

    void add(const WatchedFolder &folder);
    bool remove(const QByteArray &id); // false when unknown
    QList<Entry> list();
    std::optional<Entry> find(const QByteArray &id);
    bool contains(const QByteArray &id);

    QHash<QString, QByteArray> knownHashes(const QByteArray &id);
    void setHash(const QByteArray &id, const QString &relativePath, const QByteArray &hash);
    void removeHash(const QByteArray &id, const QString &relativePath);
    void recordState(const QByteArray &id, const WatchState &state);

    static QByteArray newId();
    // A settings watch keeps its id across runs (derived from path and source).
    static QByteArray settingsId(const QString &path, const QString &source);

private:
    static Entry entryFrom(const QHash<QByteArray, QByteArray> &fields);

    RedisConnection &m_redis;
};

} // namespace aether
