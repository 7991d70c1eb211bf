#include "server/enqueuebatcher.h"

#include <QMetaObject>

namespace aether {

EnqueueBatcher::EnqueueBatcher(JobQueue &queue, QObject *parent) : QObject(parent), m_queue(queue)
{}

void EnqueueBatcher::submit(JobRequest request, Completion completion)
{
    m_requests.append(std::move(request));
    m_completions.append(std::move(completion));
    if (m_requests.size() >= kMaxBatch) {
        flush();
        return;
    }
    if (!m_flushScheduled) {
        m_flushScheduled = true;
        // Runs after the sockets that are ready now have all been read.
        QMetaObject::invokeMethod(this, &EnqueueBatcher::flush, Qt::QueuedConnection);
    }
}

void EnqueueBatcher::flush()
{
    m_flushScheduled = false;
    if (m_requests.isEmpty())
        return;
    const QList<JobRequest> requests = std::exchange(m_requests, {});
    const QList<Completion> completions = std::exchange(m_completions, {});
    QList<QByteArray> ids;
    QString error;
    try {
        ids = m_queue.enqueueBatch(requests);
    } catch (const RedisUnavailable &unavailable) {
        error = unavailable.message();
    }
    for (qsizetype i = 0; i < completions.size(); ++i)
        completions[i](error.isEmpty() ? ids[i] : QByteArray(), error);
}

void EnqueueBatcher::submitAndAnswer(JobRequest request, ReplyJson answer, const ReplySender &send)
{
    submit(std::move(request), [send, answer](const QByteArray &id, const QString &error) {
        if (!error.isEmpty())
            return send(ApiReply::queueUnavailable(error));
        ReplyJson reply;
        reply.field("ok", true).field("job_id", id).fieldsOf(answer);
        send(ApiReply::json(reply.object()));
    });
}

} // namespace aether
