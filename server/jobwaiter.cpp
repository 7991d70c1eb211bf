#include "server/jobwaiter.h"

#include "queue/rediskeys.h"

#include <QJsonDocument>

namespace aether {

namespace {

bool hasEnded(const QByteArray &status)
{
    return status == "finished" || status == "failed" || status == "canceled";
}

} // namespace

JobWaiter::JobWaiter(RedisConnection &redis, QObject *parent) : QObject(parent), m_redis(redis)
{
    m_timer.setInterval(kPollMs);
    connect(&m_timer, &QTimer::timeout, this, &JobWaiter::poll);
}

void JobWaiter::wait(const QByteArray &jobId, int timeoutMs, Completion completion)
{
    Waiting waiting{jobId, {}, timeoutMs, std::move(completion)};
    waiting.since.start();
    m_waiting.append(std::move(waiting));
    if (!m_timer.isActive())
        m_timer.start();
}

void JobWaiter::poll()
{
    QList<RedisCommand> commands;
    for (const Waiting &waiting : std::as_const(m_waiting))
        commands.append({"HMGET", keys::job(waiting.jobId), "status", "result_json", "error"});
    QList<RedisReply> replies;
    try {
        replies = m_redis.pipeline(commands);
    } catch (const RedisUnavailable &) {
        replies.clear(); // Redis is away: only the deadlines move on
    }
    QList<Waiting> stillWaiting;
    QList<QPair<Completion, JobEnd>> ended;
    for (qsizetype i = 0; i < m_waiting.size(); ++i) {
        Waiting &waiting = m_waiting[i];
        JobEnd end;
        if (i < replies.size() && replies[i].size() == 3) {
            const QList<QByteArray> fields = replies[i].strings();
            end.status = fields[0];
            end.result = QJsonDocument::fromJson(fields[1]).object();
            end.error = QString::fromUtf8(fields[2]);
        }
        if (hasEnded(end.status)) {
            ended.append({std::move(waiting.completion), end});
        } else if (waiting.since.elapsed() >= waiting.timeoutMs) {
            end.status = "waiting";
            ended.append({std::move(waiting.completion), end});
        } else {
            stillWaiting.append(std::move(waiting));
        }
    }
    m_waiting = std::move(stillWaiting);
    if (m_waiting.isEmpty())
        m_timer.stop();
    for (const auto &[completion, end] : ended)
        completion(end);
}

} // namespace aether
