#include "queue/jobqueue.h"

#include "queue/jobevent.h"
#include "queue/jobtime.h"
#include "queue/rediskeys.h"

#include <QUuid>

namespace aether {

namespace {

// Job ids are never used as file names or shell words, but they are path
// segments in the API: restrict to what a UUID has.
bool isPlausibleJobId(const QByteArray &id)
{
    if (id.isEmpty() || id.size() > 64)
        return false;
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok)
            return false;
    }
    return true;
}

RedisCommand jobHashCommand(const QByteArray &id, const JobRequest &request, const QByteArray &now)
{
    RedisCommand command{"HSET",        keys::job(id),
                         "status",      "queued",
                         "type",        jobTypeName(request.type),
                         "tenant",      request.tenant.toUtf8(),
                         "source",      request.source.toUtf8(),
                         "created_at",  now,
                         "enqueued_at", now,
                         "timeout",     QByteArray::number(request.timeoutSec),
                         "attempts",    "0",
                         "progress",    "0"};
    switch (request.type) {
    case JobType::Text:
        command << "text" << request.text.toUtf8();
        break;
    case JobType::Url:
        command << "url" << request.url.toUtf8();
        break;
    case JobType::File:
        command << "filename" << request.fileName.toUtf8() << "content_type" << request.contentType
                << "size" << QByteArray::number(request.fileBytes.size());
        break;
    }
    return command;
}

} // namespace

JobQueue::JobQueue(const RedisUrl &url) : m_redis(url) {}

QByteArray JobQueue::newJobId()
{
    return QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
}

QByteArray JobQueue::enqueue(const JobRequest &request)
{
    return enqueueBatch({request}).first();
}

QList<QByteArray> JobQueue::enqueueBatch(const QList<JobRequest> &requests)
{
    const QByteArray now = jobTimestampNow();
    QList<QByteArray> ids;
    ids.reserve(requests.size());
    QList<RedisCommand> commands{{"MULTI"}};
    commands.reserve(requests.size() * 4 + 2);
    for (const JobRequest &request : requests) {
        const QByteArray id = newJobId();
        ids.append(id);
        commands.append(jobHashCommand(id, request, now));
        if (request.type == JobType::File)
            commands.append({"SET", keys::blob(id), request.fileBytes});
        commands.append({"RPUSH", keys::kQueue, id});
        commands.append(
            {"PUBLISH", keys::kEvents, jobEventJson(id, "queued", request.tenant.toUtf8())});
    }
    commands.append({"EXEC"});
    const QList<RedisReply> replies = m_redis.pipeline(commands);
    const RedisReply &exec = replies.last();
    if (exec.isError() || exec.isNull())
        throw RedisUnavailable(
            QStringLiteral("Redis refused the jobs: %1").arg(QString::fromUtf8(exec.string())));
    return ids;
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
