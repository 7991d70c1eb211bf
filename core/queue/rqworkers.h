#pragma once

#include "queue/redisconnection.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>

namespace aether {

// A worker as RQ's Worker.refresh reads it from rq:worker:<name>.
struct RqWorkerState
{
    QByteArray name;
    QDateTime birth;
    QByteArray currentJob; // empty when idle
    qint64 succeeded = 0;
    qint64 failed = 0;
    double workingSec = 0;
};

// RQ's registration of Aether's workers and queues (RQ's worker.py,
// worker_registration.py): `rq info` and Worker.all() list them.
namespace rqworkers {

// The queues every Aether worker takes from, by RQ's names, highest priority first.
const QList<QByteArray> &queueNames();

// Commands that write one worker's hash with RQ's fields, renew its TTL and
// put its key in rq:workers and rq:workers:<queue>.
QList<RedisCommand> heartbeatCommands(const RqWorkerState &worker, const QByteArray &hostAddress,
                                      int ttlSec);

// Commands that unregister a worker that exits cleanly (RQ's register_death).
QList<RedisCommand> unregisterCommands(const QByteArray &workerName);

// rq:queues: the three priority queues' keys.
RedisCommand registerQueuesCommand();

// Drops from rq:workers and rq:workers:<queue> the keys whose hash expired
// (a worker that died without unregistering), as RQ's clean_worker_registry.
void forgetExpired(RedisConnection &redis);

// This connection's address as Redis sees it (RQ's ip_address), or "unknown".
QByteArray clientAddress(RedisConnection &redis);

} // namespace rqworkers

} // namespace aether
