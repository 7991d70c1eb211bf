#pragma once

#include "queue/jobadmin.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <functional>
#include <optional>

namespace aether {

// Which ended jobs a bulk retry or delete touches. Empty strings match any.
struct BulkFilter
{
    QByteArray status; // finished, failed or canceled
    QString tenant;
    QByteArray type;
    QString source;
    std::optional<double> endedFrom;   // end time (s since epoch) at or after
    std::optional<double> endedBefore; // end time (s since epoch) before
};

struct BulkRetryResult
{
    qint64 matched = 0;
    qint64 retried = 0;
    qint64 blobGone = 0;
    qint64 credentialsGone = 0;
    qint64 conflict = 0;
    qint64 missing = 0;
};

struct BulkDeleteResult
{
    qint64 matched = 0;
    qint64 deleted = 0;
};

// Operations on many jobs (POST /ops/jobs/retry, DELETE /ops/jobs,
// POST /ops/queue/empty), for one thread over its own connection: they take
// seconds at 100,000 jobs, so they must not run on the HTTP thread. Candidates
// are read a chunk at a time (bulkscripts.h) and each job is changed by the
// same script as a single action (JobAdmin), in pipelines of one chunk, so
// Redis serves other clients between chunks. A non-empty `scope` (the caller's
// tenant) restricts every operation to that tenant's jobs. Throws
// RedisUnavailable while Redis is away.
class JobBulk
{
public:
    static constexpr int kChunk = 1000;
    // An unscoped empty's holding list lives this long past its last chunk.
    static constexpr int kHoldingTtlSec = 60;

    JobBulk(RedisConnection &redis, int failureTtlSec);

    BulkRetryResult retry(const BulkFilter &given, const QString &scope);
    BulkDeleteResult removeEnded(const BulkFilter &filter, const QString &scope);
    // Cancels every job queued at the given priorities ("high", "default", "low").
    qint64 emptyQueues(const QList<QByteArray> &priorities, const QString &scope);

private:
    // The ids of the status's index matching the filter, in end-time order, a
    // chunk at a time to `act` (which may remove them from the index), so
    // memory stays one chunk and each change follows its selection closely.
    // Returns how many matched.
    qint64 forEachEndedChunk(const BulkFilter &filter, const QString &tenant,
                             const std::function<void(const QList<QByteArray> &)> &act);
    // Runs one chunk's script commands (of `source`) in one pipeline; the
    // outcome of each ('' for an empty command).
    QList<QByteArray> runChunk(const QByteArray &source, const QList<RedisCommand> &commands);
    // `commandFor` each id, kChunk per pipeline; `tally` each outcome.
    void runInChunks(const QList<QByteArray> &ids, const QByteArray &source,
                     const std::function<RedisCommand(const QByteArray &)> &commandFor,
                     const std::function<void(const QByteArray &)> &tally);
    qint64 emptyQueue(const QByteArray &priority, const QString &scope);
    // Cancels queued jobs already out of every queue list; how many were.
    qint64 cancelUnlisted(const QList<QByteArray> &ids, const QString &scope);

    RedisConnection &m_redis;
    JobAdmin m_admin;
};

} // namespace aether
