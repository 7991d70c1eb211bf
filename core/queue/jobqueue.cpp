#include "queue/jobqueue.h"

#include "queue/jobevent.h"
#include "queue/jobid.h"
#include "queue/jobtime.h"
#include "queue/rediskeys.h"
#include "queue/rqcall.h"
#include "text/excerpt.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QMap>
#include <QUuid>

namespace aether {

namespace {

struct JobTtls
{
    QByteArray result;
    QByteArray failure;
};

// What a job is called in the job table and the API (`name`), kept as RQ's
// description: the URL, the file name, or the first words of the text.
QByteArray jobName(const JobRequest &request)
{
    switch (request.type) {
    case JobType::Text:
        return (request.title.isEmpty() ? firstWords(request.text) : request.title).toUtf8();
    case JobType::Url:
        return request.url.toUtf8();
    case JobType::File:
        return request.fileName.toUtf8();
    case JobType::Reindex:
        break;
    }
    return QByteArrayLiteral("re-index");
}

RedisCommand jobHashCommand(const QByteArray &id, const JobRequest &request, const QByteArray &now,
                            const JobTtls &ttls)
{
    const QByteArray text = request.type == JobType::Text ? request.text.toUtf8() : QByteArray();
    RqCallInput call{
        jobTypeName(request.type), {}, request.source.toUtf8(), request.tenant.toUtf8(),
        request.priority,          -1, jobName(request)};
    if (request.type == JobType::Url)
        call.argument = request.url.toUtf8();
    else if (request.type == JobType::File)
        call.argument = request.fileName.toUtf8();
    if (request.type == JobType::Text)
        call.size = text.size();
    else if (request.type == JobType::File)
        call.size = request.fileBytes.size();
    const RqCall rq = rqCall(call);
    // The counters `attempts`, `recoveries` and `progress` start absent (every
    // reader takes absent as 0): a text job's hash stays at 16 fields, and past
    // 16 Redis doubles the hash's table and rehashes it, which made HSET about
    // 3 us dearer per job (docs/benchmarks.md, "Enqueue").
    RedisCommand command{"HSET",         keys::job(id),
                         "status",       "queued",
                         "type",         jobTypeName(request.type),
                         "tenant",       request.tenant.toUtf8(),
                         "source",       request.source.toUtf8(),
                         "created_at",   now,
                         "enqueued_at",  now,
                         "timeout",      QByteArray::number(request.timeoutSec),
                         "max_attempts", QByteArray::number(request.maxAttempts),
                         "priority",     request.priority,
                         "data",         rq.data,
                         "origin",       keys::queueName(request.priority),
                         "description",  rq.description,
                         "result_ttl",   ttls.result,
                         "failure_ttl",  ttls.failure};
    if (!request.idempotencyKey.isEmpty())
        command << "idempotency_key" << request.idempotencyKey;
    if (!request.batchId.isEmpty())
        command << "batch_id" << request.batchId;
    if (!request.metadata.isEmpty())
        command << "metadata" << request.metadata;
    if (!request.webhookUrl.isEmpty())
        command << "webhook_url" << request.webhookUrl.toUtf8() << "webhook_key"
                << request.webhookKey;
    switch (request.type) {
    case JobType::Text:
        command << "text" << text;
        if (!request.title.isEmpty()) // only then: a text job's hash stays at 16 fields
            command << "title" << request.title.toUtf8();
        break;
    case JobType::Url:
        command << "url" << request.url.toUtf8();
        if (!request.refreshId.isEmpty())
            command << "refresh_id" << request.refreshId;
        if (!request.crawlId.isEmpty())
            command << "crawl_id" << request.crawlId << "crawl_depth"
                    << QByteArray::number(request.crawlDepth);
        if (!request.urlUserInfo.isEmpty()) // read by the fetch only, deleted when the job ends
            command << "url_userinfo" << request.urlUserInfo.toUtf8() << "url_credentials"
                    << "1";
        break;
    case JobType::File:
        command << "filename" << request.fileName.toUtf8() << "content_type" << request.contentType
                << "size" << QByteArray::number(request.fileBytes.size());
        break;
    case JobType::Reindex:
        break;
    }
    return command;
}

void appendBatchCommands(QList<RedisCommand> &commands, const BatchRecord &batch,
                         const QList<QByteArray> &ids, const QByteArray &now)
{
    RedisCommand record{"HSET",       keys::batch(batch.id),
                        "id",         batch.id,
                        "tenant",     batch.tenant.toUtf8(),
                        "source",     batch.source.toUtf8(),
                        "created_at", now,
                        "total",      QByteArray::number(ids.size()),
                        "ended",      "0",
                        "ttl",        QByteArray::number(batch.ttlSec)};
    if (!batch.webhookUrl.isEmpty())
        record << "webhook_url" << batch.webhookUrl.toUtf8() << "webhook_key" << batch.webhookKey;
    commands.append(record);
    commands.append(RedisCommand{"RPUSH", keys::batchJobs(batch.id)} + ids);
    const QByteArray event = QByteArray("{\"batch_id\":\"")
                                 .append(batch.id)
                                 .append("\",\"status\":\"batch_queued\",\"tenant\":\"")
                                 .append(batch.tenant.toUtf8())
                                 .append("\",\"at\":\"")
                                 .append(now)
                                 .append("\",\"total\":")
                                 .append(QByteArray::number(ids.size()))
                                 .append('}');
    commands.append(eventCommands(event));
}

} // namespace

JobQueue::JobQueue(const RedisUrl &url, qint64 indexRetentionMs)
    : m_redis(url), m_indexRetentionMs(indexRetentionMs)
{}

void JobQueue::setJobTtls(int resultTtlSec, int failureTtlSec)
{
    m_resultTtlSec = resultTtlSec;
    m_failureTtlSec = failureTtlSec;
}

QByteArray JobQueue::newJobId()
{
    return QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
}

QByteArray JobQueue::enqueue(const JobRequest &request)
{
    return enqueueBatch({request}).first();
}

QList<QByteArray> JobQueue::enqueueBatch(const QList<JobRequest> &requests,
                                         const BatchRecord *batch)
{
    if (requests.isEmpty())
        return {};
    const QDateTime nowUtc = QDateTime::currentDateTimeUtc();
    const QByteArray now = rqTimestamp(nowUtc);      // the job hashes' RQ timestamps
    const QByteArray seenAt = seedTimestamp(nowUtc); // events and batches
    const QByteArray nowMs = QByteArray::number(nowUtc.toMSecsSinceEpoch());
    const JobTtls ttls{QByteArray::number(m_resultTtlSec), QByteArray::number(m_failureTtlSec)};
    QList<QByteArray> ids;
    ids.reserve(requests.size());
    QList<RedisCommand> commands{{"MULTI"}};
    commands.reserve(requests.size() * 4 + 12);
    // One RPUSH per priority and one ZADD for the whole batch: a command less
    // per job each, in Redis and in the replies (order within a queue is kept).
    QMap<QByteArray, RedisCommand> pushes;
    RedisCommand index{"ZADD", keys::kIndex};
    for (const JobRequest &request : requests) {
        const QByteArray id = request.id.isEmpty() ? newJobId() : request.id;
        ids.append(id);
        commands.append(jobHashCommand(id, request, now, ttls));
        if (request.type == JobType::File)
            commands.append({"SET", keys::blob(id), request.fileBytes});
        if (request.notBeforeMs > nowUtc.toMSecsSinceEpoch()) {
            // Scheduled, as a retry is: the supervisor's promoter queues it then.
            commands.append({"HSET", keys::job(id), "status", "scheduled"});
            commands.append({"ZADD", keys::kRqScheduled,
                             QByteArray::number(request.notBeforeMs / 1000.0, 'f', 3), id});
        } else {
            RedisCommand &push = pushes[request.priority];
            if (push.isEmpty())
                push << "RPUSH" << keys::queue(request.priority);
            push << id;
        }
        index << nowMs << id;
        commands.append(
            eventCommands(queuedEventJson(id, request.tenant.toUtf8(), seenAt, request.batchId)));
    }
    for (const RedisCommand &push : std::as_const(pushes))
        commands.append(push);
    commands.append(index);
    if (batch)
        appendBatchCommands(commands, *batch, ids, seenAt);
    // RQ finds queues through rq:queues (idempotent; the jobs' queues are among these).
    commands.append(
        {"SADD", keys::kRqQueues, keys::queue("high"), keys::queue("default"), keys::queue("low")});
    // One wake token per job lets idle workers start at once; the list is capped.
    RedisCommand wake{"LPUSH", keys::kWake};
    for (qsizetype i = 0; i < qMin<qsizetype>(requests.size(), keys::kWakeCap); ++i)
        wake.append("1");
    commands.append(wake);
    commands.append({"LTRIM", keys::kWake, "0", QByteArray::number(keys::kWakeCap - 1)});
    commands.append({"ZREMRANGEBYSCORE", keys::kIndex, "-inf",
                     QByteArray::number(QDateTime::currentMSecsSinceEpoch() - m_indexRetentionMs)});
    commands.append({"EXEC"});
    const QList<RedisReply> replies = m_redis.pipeline(commands);
    const RedisReply &exec = replies.last();
    if (exec.isError() || exec.isNull())
        throw RedisUnavailable(
            QStringLiteral("Redis refused the jobs: %1").arg(QString::fromUtf8(exec.string())));
    return ids;
}

QByteArray JobQueue::idempotencyRedisKey(const QString &tenant, const QByteArray &key)
{
    return keys::idempotency(tenant.toUtf8(),
                             QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex());
}

QByteArray JobQueue::claimIdempotencyKey(const QString &tenant, const QByteArray &key,
                                         const QByteArray &newId)
{
    const QByteArray redisKey = idempotencyRedisKey(tenant, key);
    const QList<RedisReply> replies = m_redis.pipeline(
        {{"SET", redisKey, newId, "NX", "EX", QByteArray::number(kIdempotencyTtlSec)},
         {"GET", redisKey}});
    return replies[1].string();
}

std::optional<JobFields> JobQueue::fetch(const QByteArray &id)
{
    if (!isPlausibleJobId(id))
        return std::nullopt;
    const RedisReply reply = m_redis.command({"HGETALL", keys::job(id)});
    JobFields fields = reply.hash();
    if (fields.isEmpty())
        return std::nullopt;
    return fields;
}

qint64 JobQueue::queuedCount()
{
    return m_redis.command({"LLEN", keys::kQueue}).integer();
}

} // namespace aether
