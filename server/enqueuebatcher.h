#pragma once

#include "queue/jobqueue.h"
#include "server/replyjson.h"
#include "server/router.h"

#include <QObject>
#include <functional>

namespace aether {

// Collects the jobs that the requests of one event-loop pass enqueue and sends
// them to Redis in one round trip, instead of the HTTP thread waiting on Redis
// once per request. Each submitter is called back with its job id or error.
class EnqueueBatcher : public QObject
{
    Q_OBJECT

public:
    // `error` is empty on success.
    using Completion = std::function<void(const QByteArray &id, const QString &error)>;

    explicit EnqueueBatcher(JobQueue &queue, QObject *parent = nullptr);

    void submit(JobRequest request, Completion completion);
    // The enqueue routes' answer: `answer` plus the job's id once it is in
    // Redis, or 503 when Redis is away.
    void submitAndAnswer(JobRequest request, ReplyJson answer, const ReplySender &send);

    static constexpr int kMaxBatch = 256;

private:
    void flush();

    JobQueue &m_queue;
    QList<JobRequest> m_requests;
    QList<Completion> m_completions;
    bool m_flushScheduled = false;
};

} // namespace aether
