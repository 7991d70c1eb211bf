#include "queue/worker.h"

#include "queue/jobtime.h"
#include "queue/queuescripts.h"
#include "queue/redisconnection.h"
#include "queue/rediskeys.h"
#include "queue/settlement.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QLoggingCategory>

namespace aether {

namespace {

Q_LOGGING_CATEGORY(lcWorker, "aether.worker")

constexpr int kWakeWaitSeconds = 1; // BLPOP on the wake list; also how fast a stop is noticed
constexpr int kMaxPauseMs = 1000;
constexpr qint64 kProgressIntervalMs = 250;

// The seed's names for its three job functions, kept in the log lines.
QByteArray jobFunctionName(const QByteArray &type)
{
    return "ingest_" + (type.isEmpty() ? QByteArray("text") : type) + "_job";
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

int fieldOr(const JobFields &fields, const char *name, int fallback)
{
    bool ok = false;
    const int value = fields.value(name).toInt(&ok);
    return ok && value > 0 ? value : fallback;
}

} // namespace

Worker::Worker(RedisUrl redis, WorkerOptions options, JobHandlerFactory handlerFactory,
               QObject *parent)
    : QThread(parent), m_redis(std::move(redis)), m_options(std::move(options)),
      m_handlerFactory(std::move(handlerFactory)), m_startedAt(QDateTime::currentDateTimeUtc())
{
    setObjectName(QString::fromUtf8(m_options.name));
}

std::optional<RunningJob> Worker::running() const
{
    QMutexLocker locker(&m_runningLock);
    return m_running;
}

void Worker::interrupt(JobInterrupted::Reason reason)
{
    QMutexLocker locker(&m_runningLock);
    if (m_running)
        m_running->cancel->interrupt(reason);
}

void Worker::pause(int ms) const
{
    QElapsedTimer timer;
    timer.start();
    while (!m_stopping && timer.elapsed() < ms)
        QThread::msleep(20);
}

void Worker::run()
{
    std::unique_ptr<JobHandler> handler;
    try {
        handler = m_handlerFactory();
    } catch (const std::exception &error) {
        qCCritical(lcWorker, "worker %s cannot start: %s", m_options.name.constData(),
                   error.what());
        return;
    }
    RedisConnection redis(m_redis, (kWakeWaitSeconds + 4) * 1000);
    int backoffMs = 0;
    bool reportedOutage = false;
    while (!m_stopping && !m_abandoned) {
        try {
            if (!takeOne(redis, *handler))
                waitForWork(redis);
            if (reportedOutage)
                qCInfo(lcWorker, "worker %s: Redis is back", m_options.name.constData());
            backoffMs = 0;
            reportedOutage = false;
        } catch (const RedisUnavailable &error) {
            if (!reportedOutage)
                qCWarning(lcWorker, "worker %s: %s", m_options.name.constData(), error.what());
            reportedOutage = true;
            backoffMs = backoffMs == 0 ? 50 : qMin(backoffMs * 2, kMaxPauseMs);
            pause(backoffMs);
        }
    }
}

void Worker::waitForWork(RedisConnection &redis)
{
    redis.command({"BLPOP", keys::kWake, QByteArray::number(kWakeWaitSeconds)});
}

bool Worker::takeOne(RedisConnection &redis, JobHandler &handler)
{
    const RedisReply reply =
        redis.script(scripts::kTake,
                     {keys::queue("high"), keys::queue("default"), keys::queue("low"),
                      keys::processing(m_options.name), keys::kWip, keys::kPaused,
                      keys::worker(m_options.name), keys::kEvents},
                     {QByteArray::number(nowMs()), QByteArray::number(m_options.leaseMs),
                      m_options.name, jobTimestampNow()});
    if (reply.isError()) {
        qCWarning(lcWorker, "taking a job failed: %s", reply.string().constData());
        pause(1000);
        return false;
    }
    if (reply.isNull() || !reply.isArray())
        return false;
    process(redis, handler, reply.element(0).string(), reply.element(1).hash(),
            reply.element(2).string());
    return true;
}

void Worker::process(RedisConnection &redis, JobHandler &handler, const QByteArray &id,
                     const JobFields &fields, const QByteArray &blob)
{
    const int timeoutSec = fieldOr(fields, "timeout", m_options.defaultTimeoutSec);
    const auto deadline = CancelToken::Clock::now() + std::chrono::seconds(timeoutSec);
    auto cancel = std::make_shared<CancelToken>(deadline);
    if (fields.value("cancel_requested") == "1")
        cancel->interrupt(JobInterrupted::Reason::Canceled);
    {
        QMutexLocker locker(&m_runningLock);
        m_running = RunningJob{id, cancel, deadline, timeoutSec};
    }
    const QByteArray startedAt = fields.value("started_at");
    const QByteArray function = jobFunctionName(fields.value("type"));
    qCInfo(lcWorker, "Starting %s: tenant=%s source=%s job_id=%s attempt=%s", function.constData(),
           fields.value("tenant").constData(), fields.value("source").constData(), id.constData(),
           fields.value("attempts").constData());

    QElapsedTimer timer;
    timer.start();
    const JobOutcome outcome = execute(redis, handler, id, fields, blob, cancel);
    {
        QMutexLocker locker(&m_runningLock);
        m_running.reset();
    }
    if (m_abandoned) {
        qCWarning(lcWorker, "%s %s: the watchdog ended it already; this late outcome is dropped",
                  function.constData(), id.constData());
        return;
    }
    settle(redis, id, fields, outcome, startedAt);

    switch (outcome.kind) {
    case JobOutcome::Kind::Finished:
        qCInfo(lcWorker, "%s done: chunks=%d latency_ms=%lld", function.constData(),
               outcome.result.value(QStringLiteral("ingested_chunks")).toInt(),
               qint64(timer.elapsed()));
        break;
    case JobOutcome::Kind::Scheduled:
        qCWarning(lcWorker, "%s failed: error=%s (attempt %s of %d; retry in %.1f s)",
                  function.constData(), qPrintable(outcome.error),
                  fields.value("attempts").constData(), fieldOr(fields, "max_attempts", 3),
                  outcome.retryDelayMs / 1000.0);
        break;
    case JobOutcome::Kind::Failed:
        qCWarning(lcWorker, "%s failed: error=%s", function.constData(), qPrintable(outcome.error));
        break;
    case JobOutcome::Kind::Canceled:
        qCInfo(lcWorker, "%s canceled: job_id=%s", function.constData(), id.constData());
        break;
    case JobOutcome::Kind::Requeued:
        qCInfo(lcWorker, "%s handed back to the queue (shutting down): job_id=%s",
               function.constData(), id.constData());
        break;
    }
}

JobOutcome Worker::execute(RedisConnection &redis, JobHandler &handler, const QByteArray &id,
                           const JobFields &fields, const QByteArray &blob,
                           const std::shared_ptr<CancelToken> &cancel)
{
    QByteArray lastStage;
    QElapsedTimer sinceReport;
    const QByteArray tenant = fields.value("tenant");
    // Progress is written without waiting for Redis's answer, at most every
    // 250 ms and on every stage change, so small jobs pay nothing for it.
    const ProgressReporter progress = [&](const char *stage, int percent) {
        if (lastStage == stage && sinceReport.isValid() &&
            sinceReport.elapsed() < kProgressIntervalMs)
            return;
        lastStage = stage;
        sinceReport.start();
        try {
            redis.send(
                {"HSET", keys::job(id), "stage", stage, "progress", QByteArray::number(percent)});
            redis.send(
                {"PUBLISH", keys::kEvents,
                 QJsonDocument(QJsonObject{{QStringLiteral("job_id"), QString::fromLatin1(id)},
                                           {QStringLiteral("status"), QStringLiteral("started")},
                                           {QStringLiteral("tenant"), QString::fromUtf8(tenant)},
                                           {QStringLiteral("stage"), QString::fromLatin1(stage)},
                                           {QStringLiteral("progress"), percent}})
                     .toJson(QJsonDocument::Compact)});
        } catch (const RedisUnavailable &) {
            // Progress is best effort; the outcome is recorded once Redis is back.
        }
    };
    try {
        JobOutcome outcome;
        outcome.result = handler.run(JobContext{id, fields, blob, *cancel, progress});
        return outcome;
    } catch (...) {
        return JobOutcome::fromException(std::current_exception(), fieldOr(fields, "attempts", 1),
                                         fieldOr(fields, "max_attempts", 3),
                                         fieldOr(fields, "timeout", m_options.defaultTimeoutSec),
                                         m_options.retryBackoffMs);
    }
}

// Records the attempt's outcome. The work is done, so if Redis is away the
// outcome is kept and retried until it lands (or the worker stops).
void Worker::settle(RedisConnection &redis, const QByteArray &id, const JobFields &fields,
                    const JobOutcome &outcome, const QByteArray &startedAt)
{
    const Settlement settlement{m_options.name,
                                id,
                                fieldOr(fields, "attempts", 1),
                                startedAt,
                                m_options.resultTtlSec,
                                m_options.failureTtlSec};
    int backoffMs = 50;
    for (;;) {
        try {
            if (!settleAttempt(redis, settlement, outcome))
                qCWarning(
                    lcWorker,
                    "job %s was taken back while it ran (lease lost); this outcome is dropped",
                    id.constData());
            return;
        } catch (const RedisUnavailable &error) {
            if (m_stopping) // the reaper will take the job back; the store write is idempotent
                throw;
            qCWarning(lcWorker, "cannot record job %s yet: %s", id.constData(), error.what());
            QThread::msleep(backoffMs);
            backoffMs = qMin(backoffMs * 2, kMaxPauseMs);
        }
    }
}

} // namespace aether
