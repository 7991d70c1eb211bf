#pragma once

#include <QByteArray>

namespace aether {

// What a log line of this thread is about: the worker thread that writes it
// and the job it runs, so the log format can name them (LOG_FORMAT=json:
// "worker", "job_id"; app/common/logformat.cpp). Set by the queue's worker
// (core/queue/worker.cpp); empty on other threads.
struct LogContext
{
    QByteArray worker;
    QByteArray jobId;
};

inline LogContext &threadLogContext()
{
    thread_local LogContext context;
    return context;
}

// Names `jobId` in this thread's log lines for as long as it lives.
class ScopedLogJob
{
public:
    explicit ScopedLogJob(const QByteArray &jobId) : m_previous(threadLogContext().jobId)
    {
        threadLogContext().jobId = jobId;
    }
    ~ScopedLogJob() { threadLogContext().jobId = m_previous; }
    ScopedLogJob(const ScopedLogJob &) = delete;
    ScopedLogJob &operator=(const ScopedLogJob &) = delete;

private:
    QByteArray m_previous;
};

} // namespace aether
