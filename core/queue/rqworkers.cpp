#include "queue/rqworkers.h"

#include "queue/jobtime.h"
#include "queue/rediskeys.h"

#include <QCoreApplication>
#include <QSysInfo>

namespace aether::rqworkers {

const QList<QByteArray> &queueNames()
{
    static const QList<QByteArray> names{keys::queueName("high"), keys::queueName("default"),
                                         keys::queueName("low")};
    return names;
}

QList<RedisCommand> heartbeatCommands(const RqWorkerState &worker, const QByteArray &hostAddress,
                                      int ttlSec)
{
    const QByteArray key = keys::worker(worker.name);
    QList<RedisCommand> commands{{"HSET",
                                  key,
                                  "birth",
                                  rqTimestamp(worker.birth),
                                  "last_heartbeat",
                                  rqTimestampNow(),
                                  "queues",
                                  queueNames().join(','),
                                  "pid",
                                  QByteArray::number(QCoreApplication::applicationPid()),
                                  "hostname",
                                  QSysInfo::machineHostName().toUtf8(),
                                  "ip_address",
                                  hostAddress,
                                  "version",
                                  AETHER_VERSION,
                                  "python_version",
                                  "aether-ingest (C++)",
                                  "successful_job_count",
                                  QByteArray::number(worker.succeeded),
                                  "failed_job_count",
                                  QByteArray::number(worker.failed),
                                  "total_working_time",
                                  QByteArray::number(worker.workingSec, 'f', 3)},
                                 {"EXPIRE", key, QByteArray::number(ttlSec)},
                                 {"SADD", keys::kRqWorkers, key}};
    for (const QByteArray &queue : queueNames())
        commands.append({"SADD", keys::workersOf(queue), key});
    // The take and settle scripts set `state` and `current_job` with the job.
    // A worker thread learns of its job just after the take, so a heartbeat
    // that knows of no job only fills in what is missing: it must not write
    // "idle" over the take's "busy".
    const QByteArray set = worker.currentJob.isEmpty() ? "HSETNX" : "HSET";
    commands.append({set, key, "state", worker.currentJob.isEmpty() ? "idle" : "busy"});
    commands.append({set, key, "current_job", worker.currentJob});
    return commands;
}

QList<RedisCommand> unregisterCommands(const QByteArray &workerName)
{
    const QByteArray key = keys::worker(workerName);
    QList<RedisCommand> commands{{"SREM", keys::kRqWorkers, key}};
    for (const QByteArray &queue : queueNames())
        commands.append({"SREM", keys::workersOf(queue), key});
    commands.append({"DEL", key});
    return commands;
}

RedisCommand registerQueuesCommand()
{
    return {"SADD", keys::kRqQueues, keys::queue("high"), keys::queue("default"),
            keys::queue("low")};
}

void forgetExpired(RedisConnection &redis)
{
    QList<QByteArray> sets{keys::kRqWorkers};
    for (const QByteArray &queue : queueNames())
        sets.append(keys::workersOf(queue));
    for (const QByteArray &set : sets) {
        const QList<QByteArray> members = redis.command({"SMEMBERS", set}).strings();
        if (members.isEmpty())
            continue;
        QList<RedisCommand> checks;
        for (const QByteArray &member : members)
            checks.append({"EXISTS", member});
        const QList<RedisReply> alive = redis.pipeline(checks);
        RedisCommand forget{"SREM", set};
        for (qsizetype i = 0; i < members.size(); ++i) {
            if (alive[i].integer() == 0)
                forget.append(members[i]);
        }
        if (forget.size() > 2)
            redis.command(forget);
    }
}

QByteArray clientAddress(RedisConnection &redis)
{
    const RedisReply info = redis.command({"CLIENT", "INFO"});
    for (const QByteArray &field : info.string().trimmed().split(' ')) {
        if (field.startsWith("addr="))
            return field.mid(5);
    }
    return "unknown";
}

} // namespace aether::rqworkers
