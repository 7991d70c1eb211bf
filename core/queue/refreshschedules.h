#pragma once

#include "queue/jobrequest.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

namespace aether {

class RedisConnection;

// A URL re-fetched on a schedule (`refresh` on a URL ingest): each run is an
// ordinary URL job carrying refresh_id, whose fetch is conditional on the
// stored page's ETag and Last-Modified (core/ingest/ingestjobhandler.cpp).
struct RefreshSchedule
{
    QByteArray id;
    QString tenant;
    QString source;
    QString url;
    QString every; // as asked: "hourly", "daily", "6h"
    int everySec = 0;
    QByteArray metadata; // compact JSON, given to every run's document
    qint64 createdAtMs = 0;
    qint64 nextAtMs = 0;
    qint64 lastRunAtMs = 0; // 0: not run by the schedule yet
    QByteArray lastJobId;   // the last run's job (the first ingest's, until then)
};

// The schedules in Redis, under Aether-only names (core/queue/rediskeys.h):
// aether:refresh:<id> (a hash per schedule), aether:refresh:due (ids by next
// run, ms) and aether:refresh:by-url (tenant + URL -> id, so that ingesting the
// same URL with `refresh` again changes its schedule, not adds one).
class RefreshSchedules
{
public:
    explicit RefreshSchedules(RedisConnection &redis) : m_redis(redis) {}

    // "hourly", "daily" or "<N>h" (N 1..8760) in seconds; nullopt otherwise.
    static std::optional<int> parseInterval(const QString &every);

    // Creates the schedule, or updates the one of the same tenant and URL;
    // its first run is `everySec` from now. Returns its id.
    QByteArray upsert(RefreshSchedule schedule, qint64 nowMs);
    void recordRun(const QByteArray &id, const QByteArray &jobId, qint64 nowMs);

    std::optional<RefreshSchedule> find(const QByteArray &id);
    // Every tenant's when `tenant` is empty; ordered by next run.
    QList<RefreshSchedule> list(const QString &tenant, int offset, int limit, qint64 *total);
    bool remove(const QByteArray &id);

    // Takes the schedules due at `nowMs` (at most `limit`), moving each one's
    // next run forward in the same step: of several processes ticking at once
    // exactly one takes a due schedule (a Lua script).
    QList<RefreshSchedule> claimDue(qint64 nowMs, int limit);
    // Takes one schedule now, whenever it was due (POST /ops/refresh/{id}/run).
    std::optional<RefreshSchedule> claimNow(const QByteArray &id, qint64 nowMs);

    // The URL job of one run.
    static JobRequest runRequest(const RefreshSchedule &schedule);

private:
    QList<RefreshSchedule> read(const QList<QByteArray> &ids);

    RedisConnection &m_redis;
};

} // namespace aether
