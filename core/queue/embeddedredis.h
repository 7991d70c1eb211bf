#pragma once

#include "config/redisurl.h"

#include <QProcess>
#include <QString>
#include <optional>

namespace aether {

// A private redis-server child for a program started without REDIS_URL: data
// (AOF on) in <data dir>/redis, reachable only through a unix socket there, so
// other processes on this machine share it (findRunning) or join with
// REDIS_URL=unix:///.../redis.sock.
// The child is told to die with its parent, and is stopped on destruction.
class EmbeddedRedis
{
public:
    explicit EmbeddedRedis(QString dataDir);
    ~EmbeddedRedis();

    // Starts the child and waits until it answers; false with *error on failure.
    bool start(QString *error);
    void stop();

    RedisUrl url() const;

    // The private Redis another Aether Ingest process runs for this data dir,
    // if one answers there (a --no-server worker shares it).
    static std::optional<RedisUrl> findRunning(const QString &dataDir);
    qint64 pid() const { return m_process.processId(); }

    static QString serverExecutable();

private:
    bool waitUntilReady(QString *error);

    QString m_dir;
    QProcess m_process;
};

} // namespace aether
