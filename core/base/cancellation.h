#pragma once

#include <QString>
#include <atomic>
#include <chrono>
#include <exception>

namespace aether {

// A job was stopped from outside: its time ran out, a user canceled it, or
// the process is shutting down (the job is handed back to the queue).
class JobInterrupted : public std::exception
{
public:
    enum class Reason
    {
        Timeout,
        Canceled,
        Shutdown
    };

    explicit JobInterrupted(Reason reason) : m_reason(reason) {}
    Reason reason() const { return m_reason; }
    const char *what() const noexcept override
    {
        switch (m_reason) {
        case Reason::Timeout:
            return "job timed out";
        case Reason::Canceled:
            return "job canceled";
        case Reason::Shutdown:
            return "worker shutting down";
        }
        return "job interrupted";
    }

private:
    Reason m_reason;
};

// Cooperative cancellation for one running job. The worker's watchdog and the
// queue set it from other threads; every pipeline stage calls check() between
// units of work (a page, a batch of chunks, a batch of rows) and stops there.
class CancelToken
{
public:
    using Clock = std::chrono::steady_clock;

    CancelToken() = default;
    explicit CancelToken(Clock::time_point deadline)
        : m_deadline(deadline.time_since_epoch().count())
    {}

    void setDeadline(Clock::time_point deadline)
    {
        m_deadline = deadline.time_since_epoch().count();
    }
    void interrupt(JobInterrupted::Reason reason) { m_reason = int(reason) + 1; }

    bool isInterrupted() const
    {
        return m_reason != 0 || Clock::now().time_since_epoch().count() >= m_deadline;
    }

    // Throws JobInterrupted when canceled, shut down or past the deadline.
    void check() const
    {
        const int reason = m_reason;
        if (reason != 0)
            throw JobInterrupted(JobInterrupted::Reason(reason - 1));
        if (Clock::now().time_since_epoch().count() >= m_deadline)
            throw JobInterrupted(JobInterrupted::Reason::Timeout);
    }

    // A token that never fires, for callers outside a job.
    static const CancelToken &never()
    {
        static const CancelToken token;
        return token;
    }

private:
    std::atomic<int> m_reason{0}; // 0 = running, else Reason + 1
    std::atomic<Clock::rep> m_deadline{Clock::time_point::max().time_since_epoch().count()};
};

} // namespace aether
