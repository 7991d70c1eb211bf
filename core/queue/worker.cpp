#include "queue/worker.h"

#include "ingest/ingesterror.h"
#include "queue/jobevent.h"
#include "queue/jobtime.h"
#include "queue/redisconnection.h"
#include "queue/rediskeys.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QLoggingCategory>

namespace aether {

namespace {

Q_LOGGING_CATEGORY(lcWorker, "aether.worker")

constexpr int kBlockSeconds = 1; // BLMOVE wait; also how fast a stop is noticed
constexpr int kMaxPauseMs = 5000;

// The seed's names for its three job functions, kept in the log lines.
QByteArray jobFunctionName(const QByteArray &type)
{
    return "ingest_" + (type.isEmpty() ? QByteArray("text") : type) + "_job";
}

QByteArray epochNow()
{
    return QByteArray::number(QDateTime::currentMSecsSinceEpoch() / 1000.0, 'f', 3);
}

QByteArray epochAgo(int seconds)
{
    return QByteArray::number(QDateTime::currentMSecsSinceEpoch() / 1000.0 - seconds, 'f', 3);
}

} // namespace

Worker::Worker(RedisUrl redis, WorkerOptions options, JobHandlerFactory handlerFactory,
               QObject *parent)
    : QThread(parent), m_redis(std::move(redis)), m_options(std::move(options)),
      m_handlerFactory(std::move(handlerFactory))
{
    setObjectName(QString::fromUtf8(m_options.name));
}

void Worker::pause(int ms) const
{
    QElapsedTimer timer;
    timer.start();
    while (!m_stopping && timer.elapsed() < ms)
        QThread::msleep(50);
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
    RedisConnection redis(m_redis, (kBlockSeconds + 4) * 1000);
    int backoffMs = 0;
    bool reportedOutage = false;
    while (!m_stopping) {
        try {
            takeOne(redis, *handler);
            backoffMs = 0;
            if (reportedOutage)
                qCInfo(lcWorker, "worker %s: Redis is back", m_options.name.constData());
            reportedOutage = false;
        } catch (const RedisUnavailable &error) {
            if (!reportedOutage)
                qCWarning(lcWorker, "worker %s: %s", m_options.name.constData(), error.what());
            reportedOutage = true;
            backoffMs = backoffMs == 0 ? 100 : qMin(backoffMs * 2, kMaxPauseMs);
            pause(backoffMs);
        }
    }
}

bool Worker::takeOne(RedisConnection &redis, JobHandler &handler)
{
    const RedisReply reply =
        redis.command({"BLMOVE", keys::kQueue, keys::processing(m_options.name), "LEFT", "RIGHT",
                       QByteArray::number(kBlockSeconds)});
    if (reply.isNull())
        return false;
    if (reply.isError()) {
        qCWarning(lcWorker, "BLMOVE failed: %s", reply.string().constData());
        pause(1000);
        return false;
    }
    m_busy = true;
    process(redis, handler, reply.string());
    m_busy = false;
    return true;
}

void Worker::process(RedisConnection &redis, JobHandler &handler, const QByteArray &id)
{
    const QByteArray processingList = keys::processing(m_options.name);
    const QList<RedisReply> loaded =
        redis.pipeline({{"HGETALL", keys::job(id)}, {"GET", keys::blob(id)}});
    const JobFields fields = loaded[0].hash();
    if (fields.isEmpty() || fields.value("status") == "canceled") {
        // Expired or deleted while queued: nothing left to run.
        redis.command({"LREM", processingList, "1", id});
        return;
    }
    const QByteArray tenant = fields.value("tenant");
    const QByteArray source = fields.value("source");
    const QByteArray function = jobFunctionName(fields.value("type"));
    redis.pipeline({{"HSET", keys::job(id), "status", "started", "started_at", jobTimestampNow(),
                     "worker_name", m_options.name},
                    {"HINCRBY", keys::job(id), "attempts", "1"},
                    {"PUBLISH", keys::kEvents, jobEventJson(id, "started", tenant)}});
    qCInfo(lcWorker, "Starting %s: tenant=%s source=%s job_id=%s", function.constData(),
           tenant.constData(), source.constData(), id.constData());

    QElapsedTimer timer;
    timer.start();
    QJsonObject result;
    QString error;
    try {
        result = handler.run(id, fields, loaded[1].string());
    } catch (const IngestError &failure) {
        error = failure.toString();
    } catch (const std::exception &failure) {
        error = QStringLiteral("InternalError: ") + QString::fromLocal8Bit(failure.what());
    }
    const QByteArray now = jobTimestampNow();
    if (error.isEmpty()) {
        const QByteArray json = QJsonDocument(result).toJson(QJsonDocument::Compact);
        record(redis,
               {{"HSET", keys::job(id), "status", "finished", "ended_at", now, "result", json,
                 "progress", "100"},
                {"EXPIRE", keys::job(id), QByteArray::number(m_options.resultTtlSec)},
                {"DEL", keys::blob(id)},
                {"ZADD", keys::kFinished, epochNow(), id},
                {"ZREMRANGEBYSCORE", keys::kFinished, "-inf", epochAgo(m_options.resultTtlSec)},
                {"LREM", processingList, "1", id},
                {"PUBLISH", keys::kEvents, jobEventJson(id, "finished", tenant)}});
        qCInfo(lcWorker, "%s done: chunks=%d latency_ms=%lld", function.constData(),
               result.value(QStringLiteral("ingested_chunks")).toInt(), qint64(timer.elapsed()));
        return;
    }
    const QByteArray errorText = error.toUtf8();
    record(redis, {{"HSET", keys::job(id), "status", "failed", "ended_at", now, "error", errorText},
                   {"EXPIRE", keys::job(id), QByteArray::number(m_options.failureTtlSec)},
                   {"DEL", keys::blob(id)},
                   {"ZADD", keys::kFailed, epochNow(), id},
                   {"ZREMRANGEBYSCORE", keys::kFailed, "-inf", epochAgo(m_options.failureTtlSec)},
                   {"LPUSH", keys::kFailedList, id},
                   {"LTRIM", keys::kFailedList, "0", QByteArray::number(keys::kFailedListCap - 1)},
                   {"LREM", processingList, "1", id},
                   {"PUBLISH", keys::kEvents, jobEventJson(id, "failed", tenant)}});
    qCWarning(lcWorker, "%s failed: error=%s", function.constData(), errorText.constData());
}

// Records a job's outcome in one MULTI/EXEC. The work is done, so if Redis is
// away the outcome is kept and retried until it lands (or the worker stops).
void Worker::record(RedisConnection &redis, const QList<QList<QByteArray>> &commands)
{
    QList<RedisCommand> transaction{{"MULTI"}};
    transaction.append(commands);
    transaction.append({"EXEC"});
    int backoffMs = 100;
    for (;;) {
        try {
            redis.pipeline(transaction);
            return;
        } catch (const RedisUnavailable &error) {
            if (m_stopping)
                throw;
            qCWarning(lcWorker, "cannot record a job outcome yet: %s", error.what());
            pause(backoffMs);
            backoffMs = qMin(backoffMs * 2, kMaxPauseMs);
        }
    }
}

} // namespace aether
