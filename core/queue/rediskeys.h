#pragma once

#include <QByteArray>

namespace aether::keys {

// DESIGN.md "Redis layout": RQ-style names, so redis-cli habits from the seed work.
inline const QByteArray kQueue = "rq:queue:ingest";
inline const QByteArray kFailedList = "rq:queue:failed";
inline const QByteArray kFinished = "rq:finished:ingest";
inline const QByteArray kFailed = "rq:failed:ingest";
inline const QByteArray kWip = "rq:wip:ingest";
inline const QByteArray kEvents = "rq:events:ingest";
constexpr int kFailedListCap = 1000;

inline QByteArray job(const QByteArray &id)
{
    return "rq:job:" + id;
}
inline QByteArray blob(const QByteArray &id)
{
    return "rq:job:" + id + ":blob";
}
// Each worker's own processing list: a job moved here by BLMOVE is never in two places.
inline QByteArray processing(const QByteArray &workerName)
{
    return "rq:processing:ingest:" + workerName;
}
inline QByteArray worker(const QByteArray &workerName)
{
    return "rq:worker:" + workerName;
}

} // namespace aether::keys
