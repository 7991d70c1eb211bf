#include "queue/joboutcome.h"

#include "base/cancellation.h"
#include "base/ingesterror.h"
#include "queue/redisconnection.h"

#include <QRandomGenerator>
#include <cmath>

namespace aether {

namespace {

constexpr qint64 kMaxBackoffMs = 10 * 60 * 1000;

JobOutcome failed(const QString &error)
{
    JobOutcome outcome;
    outcome.kind = JobOutcome::Kind::Failed;
    outcome.error = error;
    return outcome;
}

JobOutcome retryOrFail(const QString &error, int attempt, int maxAttempts, int backoffBaseMs)
{
    if (attempt >= maxAttempts)
        return failed(error);
    JobOutcome outcome;
    outcome.kind = JobOutcome::Kind::Scheduled;
    outcome.error = error;
    outcome.retryDelayMs = JobOutcome::backoffMs(
        attempt, backoffBaseMs, QRandomGenerator::global()->generateDouble() * 2 - 1);
    return outcome;
}

} // namespace

QByteArray JobOutcome::name() const
{
    switch (kind) {
    case Kind::Finished:
        return "finished";
    case Kind::Failed:
        return "failed";
    case Kind::Scheduled:
        return "scheduled";
    case Kind::Canceled:
        return "canceled";
    case Kind::Requeued:
        return "requeued";
    }
    return {};
}

qint64 JobOutcome::backoffMs(int attempt, int backoffBaseMs, double jitter)
{
    const double base = double(backoffBaseMs) * std::pow(2.0, qMax(0, attempt - 1));
    return qBound<qint64>(1, qint64(base * (1.0 + 0.25 * jitter)), kMaxBackoffMs);
}

JobOutcome JobOutcome::fromException(std::exception_ptr error, int attempt, int maxAttempts,
                                     int timeoutSec, int backoffBaseMs)
{
    try {
        std::rethrow_exception(error);
    } catch (const JobInterrupted &interrupted) {
        JobOutcome outcome;
        switch (interrupted.reason()) {
        case JobInterrupted::Reason::Timeout:
            return failed(QStringLiteral("JobTimeoutError: job exceeded %1 s").arg(timeoutSec));
        case JobInterrupted::Reason::Canceled:
            outcome.kind = Kind::Canceled;
            outcome.error = QStringLiteral("JobCanceled: canceled on request");
            return outcome;
        case JobInterrupted::Reason::Shutdown:
            outcome.kind = Kind::Requeued;
            return outcome;
        }
    } catch (const IngestError &failure) {
        if (failure.isTransient())
            return retryOrFail(failure.toString(), attempt, maxAttempts, backoffBaseMs);
        return failed(failure.toString());
    } catch (const RedisUnavailable &unavailable) {
        return retryOrFail(QStringLiteral("RedisError: ") + unavailable.message(), attempt,
                           maxAttempts, backoffBaseMs);
    } catch (const std::exception &failure) {
        return failed(QStringLiteral("InternalError: ") + QString::fromLocal8Bit(failure.what()));
    }
    return failed(QStringLiteral("InternalError: unknown failure"));
}

} // namespace aether
