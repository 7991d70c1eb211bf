#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <exception>

namespace aether {

// How one attempt of a job ended, and what the queue does with it.
struct JobOutcome
{
    enum class Kind
    {
        Finished,
        Failed,
        Scheduled,
        Canceled,
        Requeued
    };

    Kind kind = Kind::Finished;
    QJsonObject result;      // Finished
    QString error;           // "Kind: message" for Failed, Scheduled, Canceled
    qint64 retryDelayMs = 0; // Scheduled

    QByteArray name() const;

    // Decides from what the handler threw: transient errors are retried while
    // attempts remain (exponential backoff from `backoffBaseMs`, +-25% jitter);
    // permanent ones, timeouts and exhausted attempts fail; a cancel cancels; a
    // shutdown hands the job back.
    static JobOutcome fromException(std::exception_ptr error, int attempt, int maxAttempts,
                                    int timeoutSec, int backoffBaseMs);
    static qint64 backoffMs(int attempt, int backoffBaseMs, double jitter /* -1..1 */);
};

} // namespace aether
