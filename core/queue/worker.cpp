#include "queue/worker.h"

#include "base/logcontext.h"
#include "queue/jobevent.h"
#include "queue/jobtime.h"
#include "queue/queuescripts.h"
#include "queue/redisconnection.h"
#include "queue/rediskeys.h"
#include "queue/settlement.h"

#include <QElapsedTimer>
#include <QLoggingCategory>

namespace aether {

namespace {

Q_LOGGING_CATEGORY(lcWorker, "aether.worker")

constexpr int kWakeWaitSeconds = 1; // BLPOP on the wake list; also how fast a stop is noticed
constexpr int kMaxPauseMs = 1000;
constexpr int kMaxStartBackoffMs = 30000;
constexpr qint64 kProgressIntervalMs = 250;
// A text this short is done within milliseconds and its end is announced at
// once: of its steps only the first is reported (see Worker::prepare). Each
// step is a write and an event, more Redis work than the rest of the job.
constexpr qsizetype kShortTextBytes = 64 * 1024;
constexpr qint64 kBatchWindowMs = 50;

// The seed's names for its three job functions, kept in the log lines.
QByteArray jobFunctionName(const QByteArray &type)
{
    return "ingest_" + (type.isEmpty() ? QByteArray("text") : type) + "_job";
}

int fieldOr(const JobFields &fields, const char *name, int fallback)
{
    bool ok = false;
    const int value = fields.value(name).toInt(&ok);
    return ok && value > 0 ? value : fallback;
}

} // namespace

// A job this worker holds, from take to settle.
struct Worker::TakenJob
{
    QByteArray id;
    JobFields fields;
    QByteArray blob;
    std::shared_ptr<CancelToken> cancel;
    std::unique_ptr<PreparedJob> prepared; // work done, waiting for the batch's store
    std::optional<JobOutcome> outcome;
    QElapsedTimer timer;
    bool abandoned = false; // the watchdog settled it
};

Worker::Worker(RedisUrl redis, WorkerOptions options, JobHandlerFactory handlerFactory,
               QObject *parent)
    : QThread(parent), m_redis(std::move(redis)), m_options(std::move(options)),
      m_handlerFactory(std::move(handlerFactory)), m_startedAt(QDateTime::currentDateTimeUtc())
{
    setObjectName(QString::fromUtf8(m_options.name));
}

Worker::Counters Worker::counters() const
{
    QMutexLocker locker(&m_stateLock);
    return m_counters;
}

std::optional<RunningJob> Worker::running() const
{
    QMutexLocker locker(&m_stateLock);
    return m_running;
}

QList<QByteArray> Worker::heldJobs() const
{
    QMutexLocker locker(&m_stateLock);
    return m_held;
}

void Worker::setRunning(std::optional<RunningJob> running)
{
    QMutexLocker locker(&m_stateLock);
    m_running = std::move(running);
}

void Worker::interrupt(JobInterrupted::Reason reason)
{
    QMutexLocker locker(&m_stateLock);
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

// A handler that cannot be made now (the store locked by another process, a
// disk not mounted yet) may be made later: the worker tries again, backing off
// up to 30 s, rather than leaving the process with one worker fewer.
std::unique_ptr<JobHandler> Worker::makeHandler()
{
    int backoffMs = 500;
    while (!m_stopping) {
        try {
            return m_handlerFactory();
        } catch (const std::exception &error) {
            qCWarning(lcWorker, "worker %s cannot start yet: %s; trying again in %.1f s",
                      m_options.name.constData(), error.what(), backoffMs / 1000.0);
        }
        pause(backoffMs);
        backoffMs = qMin(backoffMs * 2, kMaxStartBackoffMs);
    }
    return nullptr;
}

void Worker::run()
{
    threadLogContext().worker = m_options.name;
    const std::unique_ptr<JobHandler> handler = makeHandler();
    if (!handler)
        return;
    RedisConnection redis(m_redis, (kWakeWaitSeconds + 4) * 1000);
    int backoffMs = 0;
    bool reportedOutage = false;
    while (!m_stopping && !m_abandoned) {
        try {
            std::vector<TakenJob> jobs = take(redis);
            if (jobs.empty())
                waitForWork(redis);
            else
                processBatch(redis, *handler, jobs);
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

std::vector<Worker::TakenJob> Worker::take(RedisConnection &redis)
{
    const RedisReply reply =
        redis.script(scripts::kTake,
                     {keys::queue("high"), keys::queue("default"), keys::queue("low"),
                      keys::processing(m_options.name), keys::kLeases, keys::kPaused,
                      keys::worker(m_options.name), keys::kEvents, keys::kRqStarted},
                     {QByteArray::number(QDateTime::currentMSecsSinceEpoch()),
                      QByteArray::number(m_options.leaseMs), m_options.name, rqTimestampNow(),
                      QByteArray::number(m_options.batchSize)});
    std::vector<TakenJob> jobs;
    if (reply.isError()) {
        qCWarning(lcWorker, "taking jobs failed: %s", reply.string().constData());
        pause(1000);
        return jobs;
    }
    // The take answers ids only: the jobs' hashes (as the take left them) and
    // blobs are read here, in one round trip.
    const QList<QByteArray> ids = reply.strings();
    QList<RedisCommand> reads;
    reads.reserve(ids.size() * 2);
    for (const QByteArray &id : ids) {
        reads.append({"HGETALL", keys::job(id)});
        reads.append({"GET", keys::blob(id)});
    }
    const QList<RedisReply> read = reads.isEmpty() ? QList<RedisReply>() : redis.pipeline(reads);
    QList<QByteArray> held;
    for (qsizetype i = 0; i < ids.size(); ++i) {
        TakenJob job;
        job.id = ids[i];
        job.fields = read[2 * i].hash();
        if (job.fields.isEmpty()) {
            // Deleted since the take: nothing to run; the reaper lets go of its lease.
            qCWarning(lcWorker, "job %s was deleted as it was taken", job.id.constData());
            continue;
        }
        job.blob = read[2 * i + 1].string();
        held.append(job.id);
        jobs.push_back(std::move(job));
    }
    QMutexLocker locker(&m_stateLock);
    m_held = held;
    return jobs;
}

void Worker::processBatch(RedisConnection &redis, JobHandler &handler, std::vector<TakenJob> &jobs)
{
    std::vector<TakenJob *> prepared; // work done, not yet stored
    std::vector<TakenJob *> ready;    // outcome known, not yet settled
    QElapsedTimer sinceSettle;
    sinceSettle.start();
    const auto storeAndSettle = [&] {
        storePrepared(handler, prepared, ready);
        settle(redis, ready);
        sinceSettle.start();
    };
    for (TakenJob &job : jobs) {
        if (m_stopping || m_abandoned)
            job.outcome = JobOutcome{JobOutcome::Kind::Requeued, {}, {}, 0};
        else
            prepare(redis, handler, job);
        (job.prepared ? prepared : ready).push_back(&job);
        // Quick text jobs are stored and settled together, at most 50 ms
        // late; any other job's result is recorded as soon as it is done.
        if (job.fields.value("type") != "text" || sinceSettle.elapsed() >= kBatchWindowMs)
            storeAndSettle();
    }
    storeAndSettle();
    QMutexLocker locker(&m_stateLock);
    m_held.clear();
}

void Worker::prepare(RedisConnection &redis, JobHandler &handler, TakenJob &job)
{
    const int timeoutSec = fieldOr(job.fields, "timeout", m_options.defaultTimeoutSec);
    const auto deadline = CancelToken::Clock::now() + std::chrono::seconds(timeoutSec);
    job.cancel = std::make_shared<CancelToken>(deadline);
    if (job.fields.value("cancel_requested") == "1")
        job.cancel->interrupt(JobInterrupted::Reason::Canceled);
    job.timer.start();
    setRunning(RunningJob{job.id, job.cancel, deadline, timeoutSec});
    const ScopedLogJob logJob(job.id);
    qCInfo(lcWorker, "Starting %s: tenant=%s source=%s job_id=%s attempt=%s",
           jobFunctionName(job.fields.value("type")).constData(),
           job.fields.value("tenant").constData(), job.fields.value("source").constData(),
           job.id.constData(), job.fields.value("attempts").constData());

    QByteArray lastStage;
    QElapsedTimer sinceReport;
    // Text jobs take milliseconds: their later steps leave with the next
    // command. A fetch or a file may take long, so their steps are written at
    // once. Every job's first step is written at once: it tells the reaper the
    // job really ran (and so counts toward the poison cap if its worker dies),
    // unlike jobs that only waited in a batch.
    const bool quickJob = job.fields.value("type") == "text";
    const bool shortText = quickJob && job.fields.value("text").size() <= kShortTextBytes;
    // Progress is sent without waiting for Redis's answer, on every stage
    // change and at most every 250 ms within a stage.
    const ProgressReporter progress = [&](const char *stage, int percent) {
        if (shortText && !lastStage.isEmpty())
            return;
        if (lastStage == stage && sinceReport.isValid() &&
            sinceReport.elapsed() < kProgressIntervalMs)
            return;
        const bool writeNow = !quickJob || lastStage.isEmpty();
        lastStage = stage;
        sinceReport.start();
        try {
            redis.send({"HSET", keys::job(job.id), "stage", stage, "progress",
                        QByteArray::number(percent)},
                       false);
            const QByteArray json = progressEventJson(job.id, job.fields.value("tenant"), stage,
                                                      percent, job.fields.value("batch_id"));
            for (const RedisCommand &command : eventCommands(json))
                redis.send(command, writeNow);
        } catch (const RedisUnavailable &) {
            // Progress is best effort; the outcome is recorded once Redis is back.
        }
    };
    try {
        job.prepared =
            handler.prepare(JobContext{job.id, job.fields, job.blob, *job.cancel, progress});
    } catch (...) {
        job.outcome = JobOutcome::fromException(
            std::current_exception(), fieldOr(job.fields, "attempts", 1),
            fieldOr(job.fields, "max_attempts", 3), timeoutSec, m_options.retryBackoffMs);
    }
    setRunning(std::nullopt);
    if (m_abandoned) {
        job.abandoned = true;
        job.prepared.reset();
        qCWarning(lcWorker, "job %s: the watchdog ended it already; this late outcome is dropped",
                  job.id.constData());
    }
}

// Stores the prepared jobs in one transaction; each then has its outcome and
// moves to `ready`.
void Worker::storePrepared(JobHandler &handler, std::vector<TakenJob *> &prepared,
                           std::vector<TakenJob *> &ready)
{
    if (prepared.empty())
        return;
    QList<PreparedJob *> batch;
    for (TakenJob *job : prepared)
        batch.append(job->prepared.get());
    try {
        handler.store(batch);
    } catch (const std::exception &error) {
        const auto failure = std::make_exception_ptr(std::runtime_error(error.what()));
        for (PreparedJob *job : batch)
            job->error = failure;
    }
    for (TakenJob *job : prepared) {
        const int timeoutSec = fieldOr(job->fields, "timeout", m_options.defaultTimeoutSec);
        if (!job->prepared->error)
            handler.followUp(job->fields, *job->prepared);
        if (job->prepared->error) {
            job->outcome = JobOutcome::fromException(
                job->prepared->error, fieldOr(job->fields, "attempts", 1),
                fieldOr(job->fields, "max_attempts", 3), timeoutSec, m_options.retryBackoffMs);
        } else {
            job->outcome = JobOutcome{JobOutcome::Kind::Finished, job->prepared->result, {}, 0};
        }
        job->prepared.reset();
        ready.push_back(job);
    }
    prepared.clear();
}

// Records the ready attempts' outcomes in one round trip. The work is done, so
// if Redis is away the outcomes are kept and retried until they land (or the
// worker stops: then the reaper takes the jobs back; store writes are idempotent).
void Worker::settle(RedisConnection &redis, std::vector<TakenJob *> &ready)
{
    QList<QPair<Settlement, JobOutcome>> attempts;
    QList<const TakenJob *> settled;
    for (const TakenJob *job : ready) {
        if (job->abandoned || !job->outcome)
            continue;
        attempts.append({Settlement{m_options.name, job->id, fieldOr(job->fields, "attempts", 1),
                                    job->fields.value("started_at"), m_options.resultTtlSec,
                                    m_options.failureTtlSec},
                         *job->outcome});
        settled.append(job);
    }
    ready.clear();
    if (attempts.isEmpty())
        return;
    int backoffMs = 50;
    for (;;) {
        try {
            const QList<bool> recorded = settleAttempts(redis, attempts);
            for (qsizetype i = 0; i < settled.size(); ++i) {
                if (recorded[i])
                    logOutcome(*settled[i]);
                else
                    qCWarning(
                        lcWorker,
                        "job %s was taken back while it ran (lease lost); this outcome is dropped",
                        settled[i]->id.constData());
            }
            break;
        } catch (const RedisUnavailable &error) {
            if (m_stopping)
                throw;
            qCWarning(lcWorker, "cannot record %lld job outcomes yet: %s", qint64(attempts.size()),
                      error.what());
            QThread::msleep(backoffMs);
            backoffMs = qMin(backoffMs * 2, kMaxPauseMs);
        }
    }
    QMutexLocker locker(&m_stateLock);
    for (const TakenJob *job : settled) {
        m_held.removeOne(job->id);
        const JobOutcome::Kind kind = job->outcome->kind;
        if (kind == JobOutcome::Kind::Finished)
            ++m_counters.succeeded;
        else if (kind == JobOutcome::Kind::Failed)
            ++m_counters.failed;
        if (kind != JobOutcome::Kind::Requeued)
            m_counters.workingSec += job->timer.elapsed() / 1000.0;
    }
}

void Worker::logOutcome(const TakenJob &job) const
{
    const ScopedLogJob logJob(job.id);
    const QByteArray function = jobFunctionName(job.fields.value("type"));
    const JobOutcome &outcome = *job.outcome;
    switch (outcome.kind) {
    case JobOutcome::Kind::Finished:
        qCInfo(lcWorker, "%s done: chunks=%d latency_ms=%lld", function.constData(),
               outcome.result.value(QStringLiteral("ingested_chunks")).toInt(),
               qint64(job.timer.elapsed()));
        break;
    case JobOutcome::Kind::Scheduled:
        qCWarning(lcWorker, "%s failed: error=%s (attempt %s of %d; retry in %.1f s)",
                  function.constData(), qPrintable(outcome.error),
                  job.fields.value("attempts").constData(), fieldOr(job.fields, "max_attempts", 3),
                  outcome.retryDelayMs / 1000.0);
        break;
    case JobOutcome::Kind::Failed:
        qCWarning(lcWorker, "%s failed: error=%s", function.constData(), qPrintable(outcome.error));
        break;
    case JobOutcome::Kind::Canceled:
        qCInfo(lcWorker, "%s canceled: job_id=%s", function.constData(), job.id.constData());
        break;
    case JobOutcome::Kind::Requeued:
        qCInfo(lcWorker, "%s handed back to the queue (shutting down): job_id=%s",
               function.constData(), job.id.constData());
        break;
    }
}

} // namespace aether
