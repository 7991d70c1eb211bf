#pragma once

#include "queue/joboutcome.h"

#include <QByteArray>
#include <QList>
#include <QPair>

namespace aether {

class RedisConnection;

struct Settlement
{
    QByteArray workerName;
    QByteArray id;
    int attempt = 1;
    QByteArray startedAt;
    int resultTtlSec = 500;
    int failureTtlSec = 7 * 24 * 3600;
};

// Ends one attempt of a job held by `settlement.workerName` (the settle script):
// true when recorded, false when that worker no longer held the job. Throws
// RedisUnavailable.
bool settleAttempt(RedisConnection &redis, const Settlement &settlement, const JobOutcome &outcome);

// Ends many attempts in one round trip; returns, per attempt, whether it was
// recorded (false: the worker no longer held that job).
QList<bool> settleAttempts(RedisConnection &redis,
                           const QList<QPair<Settlement, JobOutcome>> &attempts);

} // namespace aether
