#include "queue/refreshschedules.h"

#include "queue/jobqueue.h"
#include "queue/redisconnection.h"
#include "queue/rediskeys.h"

#include <QRegularExpression>

namespace aether {

namespace {

constexpr int kHour = 3600;
constexpr int kMaxHours = 8760; // a year

QByteArray byUrlField(const QString &tenant, const QString &url)
{
    return tenant.toUtf8() + '\n' + url.toUtf8();
}

// KEYS: due; ARGV: now, limit. Due ids move to now + every_sec before they
// are returned, so a second caller finds them not due. (It reads each
// schedule's hash by a name it builds: fine on one Redis, not on a cluster.)
const QByteArray kClaimDue = R"lua(
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local claimed = {}
for _, id in ipairs(ids) do
    local every = tonumber(redis.call('HGET', 'aether:refresh:' .. id, 'every_sec'))
    if every then
        redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + every * 1000, id)
        claimed[#claimed + 1] = id
    else
        redis.call('ZREM', KEYS[1], id)
    end
end
return claimed
)lua";

// KEYS: due, the schedule's hash; ARGV: now, id.
const QByteArray kClaimNow = R"lua(
local every = tonumber(redis.call('HGET', KEYS[2], 'every_sec'))
if not every then return 0 end
redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + every * 1000, ARGV[2])
return 1
)lua";

RefreshSchedule fromHash(const QByteArray &id, const QList<QByteArray> &pairs)
{
    RefreshSchedule schedule;
    schedule.id = id;
    for (qsizetype i = 0; i + 1 < pairs.size(); i += 2) {
        const QByteArray &name = pairs[i];
        const QByteArray &value = pairs[i + 1];
        if (name == "tenant")
            schedule.tenant = QString::fromUtf8(value);
        else if (name == "source")
            schedule.source = QString::fromUtf8(value);
        else if (name == "url")
            schedule.url = QString::fromUtf8(value);
        else if (name == "every")
            schedule.every = QString::fromUtf8(value);
        else if (name == "every_sec")
            schedule.everySec = value.toInt();
        else if (name == "metadata")
            schedule.metadata = value;
        else if (name == "created_at")
            schedule.createdAtMs = value.toLongLong();
        else if (name == "last_run_at")
            schedule.lastRunAtMs = value.toLongLong();
        else if (name == "last_job_id")
            schedule.lastJobId = value;
    }
    return schedule;
}

} // namespace

std::optional<int> RefreshSchedules::parseInterval(const QString &every)
{
    if (every == QLatin1String("hourly"))
        return kHour;
    if (every == QLatin1String("daily"))
        return 24 * kHour;
    static const QRegularExpression hours(QStringLiteral("^([1-9][0-9]{0,3})h$"));
    const QRegularExpressionMatch match = hours.match(every);
    if (!match.hasMatch() || match.captured(1).toInt() > kMaxHours)
        return std::nullopt;
    return match.captured(1).toInt() * kHour;
}

QByteArray RefreshSchedules::upsert(RefreshSchedule schedule, qint64 nowMs)
{
    const QByteArray field = byUrlField(schedule.tenant, schedule.url);
    const QByteArray existing = m_redis.command({"HGET", keys::kRefreshByUrl, field}).string();
    schedule.id = existing.isEmpty() ? JobQueue::newJobId() : existing;
    const QByteArray key = keys::refresh(schedule.id);
    RedisCommand hash{"HSET",        key,
                      "tenant",      schedule.tenant.toUtf8(),
                      "source",      schedule.source.toUtf8(),
                      "url",         schedule.url.toUtf8(),
                      "every",       schedule.every.toUtf8(),
                      "every_sec",   QByteArray::number(schedule.everySec),
                      "metadata",    schedule.metadata,
                      "last_job_id", schedule.lastJobId};
    QList<RedisCommand> commands{hash};
    if (existing.isEmpty())
        commands.append({"HSET", key, "created_at", QByteArray::number(nowMs)});
    commands.append({"HSET", keys::kRefreshByUrl, field, schedule.id});
    commands.append({"ZADD", keys::kRefreshDue,
                     QByteArray::number(nowMs + qint64(schedule.everySec) * 1000), schedule.id});
    m_redis.pipeline(commands);
    return schedule.id;
}

void RefreshSchedules::recordRun(const QByteArray &id, const QByteArray &jobId, qint64 nowMs)
{
    m_redis.command({"HSET", keys::refresh(id), "last_run_at", QByteArray::number(nowMs),
                     "last_job_id", jobId});
}

QList<RefreshSchedule> RefreshSchedules::read(const QList<QByteArray> &ids)
{
    QList<RedisCommand> commands;
    for (const QByteArray &id : ids) {
        commands.append({"HGETALL", keys::refresh(id)});
        commands.append({"ZSCORE", keys::kRefreshDue, id});
    }
    const QList<RedisReply> replies = m_redis.pipeline(commands);
    QList<RefreshSchedule> schedules;
    for (qsizetype i = 0; i < ids.size(); ++i) {
        const QList<QByteArray> pairs = replies[2 * i].strings();
        if (pairs.isEmpty())
            continue; // removed meanwhile
        RefreshSchedule schedule = fromHash(ids[i], pairs);
        schedule.nextAtMs = replies[2 * i + 1].string().toLongLong();
        schedules.append(schedule);
    }
    return schedules;
}

std::optional<RefreshSchedule> RefreshSchedules::find(const QByteArray &id)
{
    const QList<RefreshSchedule> found = read({id});
    if (found.isEmpty())
        return std::nullopt;
    return found.first();
}

QList<RefreshSchedule> RefreshSchedules::list(const QString &tenant, int offset, int limit,
                                              qint64 *total)
{
    // Schedules are few (one per refreshed URL): read them all, then page.
    const QList<QByteArray> ids =
        m_redis.command({"ZRANGE", keys::kRefreshDue, "0", "-1"}).strings();
    QList<RefreshSchedule> visible;
    for (const RefreshSchedule &schedule : read(ids)) {
        if (tenant.isEmpty() || schedule.tenant == tenant)
            visible.append(schedule);
    }
    *total = visible.size();
    return visible.mid(offset, limit);
}

bool RefreshSchedules::remove(const QByteArray &id)
{
    const std::optional<RefreshSchedule> schedule = find(id);
    if (!schedule)
        return false;
    m_redis.pipeline({{"DEL", keys::refresh(id)},
                      {"ZREM", keys::kRefreshDue, id},
                      {"HDEL", keys::kRefreshByUrl, byUrlField(schedule->tenant, schedule->url)}});
    return true;
}

QList<RefreshSchedule> RefreshSchedules::claimDue(qint64 nowMs, int limit)
{
    const QList<QByteArray> ids =
        m_redis
            .script(kClaimDue, {keys::kRefreshDue},
                    {QByteArray::number(nowMs), QByteArray::number(limit)})
            .strings();
    return ids.isEmpty() ? QList<RefreshSchedule>() : read(ids);
}

std::optional<RefreshSchedule> RefreshSchedules::claimNow(const QByteArray &id, qint64 nowMs)
{
    const qint64 claimed = m_redis
                               .script(kClaimNow, {keys::kRefreshDue, keys::refresh(id)},
                                       {QByteArray::number(nowMs), id})
                               .integer();
    return claimed == 1 ? find(id) : std::nullopt;
}

JobRequest RefreshSchedules::runRequest(const RefreshSchedule &schedule)
{
    JobRequest request;
    request.type = JobType::Url;
    request.tenant = schedule.tenant;
    request.source = schedule.source;
    request.url = schedule.url;
    request.metadata = schedule.metadata;
    request.refreshId = schedule.id;
    request.priority = "low"; // behind what people are waiting for
    return request;
}

} // namespace aether
