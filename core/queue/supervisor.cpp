#include "queue/supervisor.h"

#include "queue/jobtime.h"
#include "queue/queuescripts.h"
#include "queue/redisconnection.h"
#include "queue/rediskeys.h"
#include "queue/settlement.h"
#include "queue/worker.h"
#include "queue/workerpool.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QSysInfo>
#include <cerrno>
#include <csignal>

namespace aether {

namespace {

Q_LOGGING_CATEGORY(lcSupervisor, "aether.supervisor")

constexpr int kTickMs = 100;
constexpr int kHeartbeatEveryTicks = 10;
constexpr int kReapEveryTicks = 20;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// Worker names are <host>.<pid>.<n>; hosts may contain dots.
bool isDeadLocalWorker(const QByteArray &workerName)
{
    const QList<QByteArray> parts = workerName.split('.');
    if (parts.size() < 3)
        return false;
    const QByteArray host = parts.mid(0, parts.size() - 2).join('.');
    const qint64 pid = parts[parts.size() - 2].toLongLong();
    if (host != QSysInfo::machineHostName().toUtf8() || pid <= 0 ||
        pid == QCoreApplication::applicationPid())
        return false;
    return ::kill(pid_t(pid), 0) != 0 && errno == ESRCH;
}

QList<QByteArray> reapArguments(const SupervisorOptions &options)
{
    return {QByteArray::number(nowMs()), QByteArray::number(options.maxRecoveries),
            QByteArray::number(options.failureTtlSec), jobTimestampNow()};
}

const QList<QByteArray> kReapKeys{keys::kWip, keys::kFailed, keys::kFailedList, keys::kEvents};

} // namespace

Supervisor::Supervisor(RedisUrl redis, SupervisorOptions options,
                       std::function<QList<Worker *>()> workers, QObject *parent)
    : QThread(parent), m_redis(std::move(redis)), m_options(options), m_workers(std::move(workers)),
      m_lockOwner(WorkerPool::processName())
{
    setObjectName(QStringLiteral("supervisor"));
}

int Supervisor::recoverDeadLocalProcesses(RedisConnection &redis, const SupervisorOptions &options)
{
    const QList<QByteArray> started = redis.command({"ZRANGE", keys::kWip, "0", "-1"}).strings();
    if (started.isEmpty())
        return 0;
    QList<RedisCommand> lookups;
    for (const QByteArray &id : started)
        lookups.append({"HGET", keys::job(id), "worker_name"});
    const QList<RedisReply> owners = redis.pipeline(lookups);
    QList<QByteArray> arguments = reapArguments(options);
    // now = 0: no lease counts as expired in this pass (leases are the periodic
    // reaper's business); the forced ids and jobs whose worker key is gone are taken.
    arguments[0] = "0";
    int forced = 0;
    for (qsizetype i = 0; i < started.size(); ++i) {
        if (isDeadLocalWorker(owners[i].string())) {
            arguments.append(started[i]);
            ++forced;
        }
    }
    if (forced == 0)
        return 0;
    const QList<QByteArray> taken = redis.script(scripts::kReap, kReapKeys, arguments).strings();
    qCInfo(lcSupervisor, "requeued %lld jobs left started by a previous run on this host",
           qint64(taken.size()));
    return int(taken.size());
}

void Supervisor::run()
{
    RedisConnection redis(m_redis, 5000);
    bool recovered = false;
    for (int tick = 0; !m_stopping; ++tick) {
        try {
            if (!recovered) {
                recoverDeadLocalProcesses(redis, m_options);
                recovered = true;
            }
            promote(redis);
            if (tick % kHeartbeatEveryTicks == 0) {
                heartbeat(redis);
                watchdog(redis);
            }
            if (tick % kReapEveryTicks == 0)
                reap(redis);
        } catch (const RedisUnavailable &) {
            // The workers report the outage; try again next tick.
        }
        QThread::msleep(kTickMs);
    }
}

void Supervisor::heartbeat(RedisConnection &redis)
{
    const QList<Worker *> workers = m_workers();
    const QByteArray now = jobTimestampNow();
    const QByteArray leaseUntil = QByteArray::number(nowMs() + m_options.leaseMs);
    QList<RedisCommand> commands;
    QList<QPair<Worker *, qsizetype>> cancelChecks; // worker, index of its HGET reply
    for (Worker *worker : workers) {
        const QByteArray key = keys::worker(worker->name());
        const std::optional<RunningJob> running = worker->running();
        commands.append(
            {"HSET", key, "name", worker->name(), "pid",
             QByteArray::number(QCoreApplication::applicationPid()), "host",
             QSysInfo::machineHostName().toUtf8(), "started_at",
             worker->startedAt().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")).toLatin1(),
             "heartbeat_at", now, "current_job", running ? running->id : QByteArray()});
        commands.append({"EXPIRE", key, QByteArray::number(m_options.workerTtlSec)});
        commands.append({"SADD", keys::kWorkers, worker->name()});
        // Every job the worker holds keeps its lease, those waiting in its batch too.
        for (const QByteArray &id : worker->heldJobs())
            commands.append({"ZADD", keys::kWip, "XX", leaseUntil, id});
        if (running) {
            commands.append({"HGET", keys::job(running->id), "cancel_requested"});
            cancelChecks.append({worker, commands.size() - 1});
        }
    }
    if (commands.isEmpty())
        return;
    const QList<RedisReply> replies = redis.pipeline(commands);
    for (const auto &[worker, index] : cancelChecks) {
        if (replies[index].string() == "1")
            worker->interrupt(JobInterrupted::Reason::Canceled);
    }
}

void Supervisor::watchdog(RedisConnection &redis)
{
    const auto now = CancelToken::Clock::now();
    for (Worker *worker : m_workers()) {
        const std::optional<RunningJob> running = worker->running();
        if (!running || worker->isAbandoned() ||
            now < running->deadline + std::chrono::milliseconds(m_options.watchdogGraceMs))
            continue;
        // The job ignored its deadline (stuck in a call that cannot be
        // interrupted): end it here so the user sees the timeout, and give the
        // pool a fresh worker; the stuck thread's late outcome is dropped.
        JobOutcome outcome;
        outcome.kind = JobOutcome::Kind::Failed;
        outcome.error =
            QStringLiteral("JobTimeoutError: job exceeded %1 s").arg(running->timeoutSec);
        const RedisReply stored =
            redis.command({"HMGET", keys::job(running->id), "attempts", "started_at"});
        const Settlement settlement{worker->name(),
                                    running->id,
                                    qMax(1, stored.element(0).string().toInt()),
                                    stored.element(1).string(),
                                    0,
                                    m_options.failureTtlSec};
        worker->abandon();
        if (settleAttempt(redis, settlement, outcome))
            qCWarning(lcSupervisor,
                      "watchdog: job %s overran its %d s timeout and did not stop; ended it",
                      running->id.constData(), running->timeoutSec);
        Q_EMIT workerAbandoned(worker);
    }
}

void Supervisor::promote(RedisConnection &redis)
{
    redis.script(scripts::kPromote, {keys::kScheduled, keys::kEvents},
                 {QByteArray::number(nowMs()), jobTimestampNow()});
}

void Supervisor::reap(RedisConnection &redis)
{
    const RedisReply lock =
        redis.command({"SET", keys::kReaperLock, m_lockOwner, "NX", "PX", "3000"});
    if (lock.string() != "OK")
        return;
    const QList<QByteArray> taken =
        redis.script(scripts::kReap, kReapKeys, reapArguments(m_options)).strings();
    for (const QByteArray &id : taken)
        qCWarning(lcSupervisor, "reaper: took back job %s from a worker that stopped answering",
                  id.constData());
    // Forget workers whose heartbeat key has expired.
    const QList<QByteArray> names = redis.command({"SMEMBERS", keys::kWorkers}).strings();
    QList<RedisCommand> checks;
    for (const QByteArray &name : names)
        checks.append({"EXISTS", keys::worker(name)});
    const QList<RedisReply> alive = checks.isEmpty() ? QList<RedisReply>() : redis.pipeline(checks);
    RedisCommand forget{"SREM", keys::kWorkers};
    for (qsizetype i = 0; i < names.size(); ++i) {
        if (alive[i].integer() == 0)
            forget.append(names[i]);
    }
    if (forget.size() > 2)
        redis.command(forget);
}

} // namespace aether
