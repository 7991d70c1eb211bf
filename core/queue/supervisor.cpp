#include "queue/supervisor.h"

#include "queue/jobtime.h"
#include "queue/queuescripts.h"
#include "queue/redisconnection.h"
#include "queue/rediskeys.h"
#include "queue/rqworkers.h"
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
// A held job's score in RQ's started registry stays this far ahead of now.
constexpr qint64 kRqStartedMarginSec = 120;

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

// kReap's ARGV; `leaseCutoffMs` 0 counts no lease as expired.
QList<QByteArray> reapArguments(const SupervisorOptions &options, qint64 leaseCutoffMs)
{
    return {QByteArray::number(leaseCutoffMs), QByteArray::number(options.maxRecoveries),
            QByteArray::number(options.failureTtlSec), rqTimestampNow(),
            QByteArray::number(nowMs())};
}

const QList<QByteArray> kReapKeys{keys::kLeases, keys::kEndedFailed, keys::kFailedList,
                                  keys::kEvents, keys::kRqStarted,   keys::kRqFailed};

} // namespace

Supervisor::Supervisor(RedisUrl redis, SupervisorOptions options,
                       std::function<QList<Worker *>()> workers, QObject *parent)
    : QThread(parent), m_redis(std::move(redis)), m_options(options), m_workers(std::move(workers)),
      m_lockOwner(WorkerPool::processName()), m_reconciler(options.failureTtlSec)
{
    setObjectName(QStringLiteral("supervisor"));
}

int Supervisor::recoverDeadLocalProcesses(RedisConnection &redis, const SupervisorOptions &options)
{
    const QList<QByteArray> started = redis.command({"ZRANGE", keys::kLeases, "0", "-1"}).strings();
    if (started.isEmpty())
        return 0;
    QList<RedisCommand> lookups;
    for (const QByteArray &id : started)
        lookups.append({"HGET", keys::job(id), "worker_name"});
    const QList<RedisReply> owners = redis.pipeline(lookups);
    // No lease counts as expired in this pass (leases are the periodic reaper's
    // business); the forced ids and jobs whose worker key is gone are taken.
    QList<QByteArray> arguments = reapArguments(options, 0);
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
                redis.command(rqworkers::registerQueuesCommand());
                m_address = rqworkers::clientAddress(redis);
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
    unregisterStopped(redis);
}

// RQ's register_death for the workers that have exited; a worker still stuck
// in a job keeps its key until it expires, so that its job's lease is honoured.
void Supervisor::unregisterStopped(RedisConnection &redis)
{
    QList<RedisCommand> commands;
    for (Worker *worker : m_workers()) {
        if (!worker->isRunning())
            commands += rqworkers::unregisterCommands(worker->name());
    }
    if (commands.isEmpty())
        return;
    try {
        redis.pipeline(commands);
    } catch (const RedisUnavailable &) {
        // The keys expire on their own.
    }
}

void Supervisor::heartbeat(RedisConnection &redis)
{
    const QList<Worker *> workers = m_workers();
    const QByteArray now = rqTimestampNow();
    const QByteArray leaseUntil = QByteArray::number(nowMs() + m_options.leaseMs);
    const QByteArray rqStartedUntil = QByteArray::number(nowMs() / 1000 + kRqStartedMarginSec);
    QList<RedisCommand> commands;
    QList<QPair<Worker *, qsizetype>> cancelChecks; // worker, index of its HGET reply
    for (Worker *worker : workers) {
        const std::optional<RunningJob> running = worker->running();
        const Worker::Counters counters = worker->counters();
        commands += rqworkers::heartbeatCommands(
            RqWorkerState{worker->name(), worker->startedAt(), running ? running->id : QByteArray(),
                          counters.succeeded, counters.failed, counters.workingSec},
            m_address, m_options.workerTtlSec);
        // Every job the worker holds keeps its lease, those waiting in its batch too.
        // RQ's started registry too (never lowered below the take's score): RQ's
        // cleanup (rq info, a Python worker) would fail a held job past its score.
        for (const QByteArray &id : worker->heldJobs()) {
            commands.append({"ZADD", keys::kLeases, "XX", leaseUntil, id});
            commands.append({"ZADD", keys::kRqStarted, "XX", "GT", rqStartedUntil, id});
        }
        if (running) {
            commands.append({"HSET", keys::job(running->id), "last_heartbeat", now});
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
    redis.script(scripts::kPromote, {keys::kRqScheduled, keys::kEvents},
                 {QByteArray::number(nowMs() / 1000.0, 'f', 3), rqTimestampNow()});
}

void Supervisor::reap(RedisConnection &redis)
{
    const RedisReply lock =
        redis.command({"SET", keys::kReaperLock, m_lockOwner, "NX", "PX", "3000"});
    if (lock.string() != "OK")
        return;
    const QList<QByteArray> taken =
        redis.script(scripts::kReap, kReapKeys, reapArguments(m_options, nowMs())).strings();
    for (const QByteArray &id : taken)
        qCWarning(lcSupervisor, "reaper: took back job %s from a worker that stopped answering",
                  id.constData());
    rqworkers::forgetExpired(redis);
    if (!m_lastReconcile.isValid() || m_lastReconcile.hasExpired(Reconciler::kPassEveryMs)) {
        m_lastReconcile.start();
        m_reconciler.pass(redis);
    }
}

} // namespace aether
