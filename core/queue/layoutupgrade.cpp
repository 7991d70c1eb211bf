#include "queue/layoutupgrade.h"

#include "queue/pickle.h"
#include "queue/rediskeys.h"
#include "queue/rqcall.h"
#include "queue/workerpool.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QUuid>

namespace aether {

namespace {

Q_LOGGING_CATEGORY(lcUpgrade, "aether.queue")

// The old layout's names.
const QByteArray kOldIndex = "rq:jobs:ingest";
// Where the old end-time zsets wait while RQ's registries are rebuilt.
const QByteArray kMigrating = "aether:migrating:";
const QByteArray kState = "aether:migration"; // hash: moved, cursor; present while unfinished
// Scores above this are milliseconds (2001-09-09 in ms); below, seconds.
const QByteArray kMsScores = "100000000000";
constexpr int kLockMs = 120000;
constexpr int kChunk = 500;

// Moves the job index into Aether's name and sets the old end-time zsets
// aside, once (the state hash records it, in the same script).
// KEYS: old index, index, state, rq:finished, rq:failed, rq:canceled, aside x3
const QByteArray kMoveIndexes = R"LUA(
if redis.call('HGET', KEYS[3], 'moved') == '1' then return 0 end
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('ZUNIONSTORE', KEYS[2], 2, KEYS[2], KEYS[1], 'AGGREGATE', 'MIN')
  redis.call('DEL', KEYS[1])
end
for i = 4, 6 do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    redis.call('ZUNIONSTORE', KEYS[i + 3], 2, KEYS[i + 3], KEYS[i])
    redis.call('DEL', KEYS[i])
  end
end
redis.call('HSET', KEYS[3], 'moved', '1')
return 1
)LUA";

// Puts up to 500 set-aside entries (score = end time, s) into Aether's index
// and RQ's registry with RQ's score: the job hash's expiry (end + TTL) for
// finished and failed, the cancel time for canceled. An id Aether's index
// already has was written by the new layout: its score is RQ's already.
// KEYS: aside, aether:<state>, rq:<state>   ARGV: state, ttl_s, now_s
// Returns how many wait aside.
const QByteArray kRebuildRegistry = R"LUA(
local entries = redis.call('ZRANGE', KEYS[1], 0, 499, 'WITHSCORES')
for i = 1, #entries, 2 do
  local id, score = entries[i], tonumber(entries[i + 1])
  if redis.call('ZSCORE', KEYS[2], id) then
    redis.call('ZADD', KEYS[3], score, id)
  else
    redis.call('ZADD', KEYS[2], score, id)
    local expiry = score
    if ARGV[1] ~= 'canceled' then
      local ttl = redis.call('TTL', 'rq:job:' .. id)
      if ttl > 0 then expiry = tonumber(ARGV[3]) + ttl else expiry = score + tonumber(ARGV[2]) end
    end
    redis.call('ZADD', KEYS[3], expiry, id)
  end
  redis.call('ZREM', KEYS[1], id)
end
return redis.call('ZCARD', KEYS[1])
)LUA";

// Old leases (rq:wip, ms) move to Aether's lease set and rq:wip gets RQ's
// score; the retry schedule's ms scores become seconds.
// KEYS: rq:wip, leases, rq:scheduled   ARGV: now_s, ms threshold
const QByteArray kConvertLeases = R"LUA(
local started = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[2], '+inf', 'WITHSCORES')
for i = 1, #started, 2 do
  local id = started[i]
  redis.call('ZADD', KEYS[2], started[i + 1], id)
  local timeout = tonumber(redis.call('HGET', 'rq:job:' .. id, 'timeout') or '600')
  redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + timeout + 60, id)
end
local scheduled = redis.call('ZRANGEBYSCORE', KEYS[3], ARGV[2], '+inf', 'WITHSCORES')
for i = 1, #scheduled, 2 do
  redis.call('ZADD', KEYS[3], tonumber(scheduled[i + 1]) / 1000, scheduled[i])
end
return #started / 2 + #scheduled / 2
)LUA";

// Gives one job hash RQ's fields, unless it is gone or has them already;
// converts its timestamps to RQ's format (those a new-layout worker wrote
// meanwhile are RQ's already) and pickles its result when it is still the
// JSON the caller read (ARGV[7]).
// KEYS: job   ARGV: data, description, origin, result_ttl, failure_ttl, result pickle, its JSON
const QByteArray kUpgradeJob = R"LUA(
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'data') == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'data', ARGV[1], 'description', ARGV[2], 'origin', ARGV[3],
           'result_ttl', ARGV[4], 'failure_ttl', ARGV[5])
for _, name in ipairs({'created_at', 'enqueued_at', 'started_at', 'ended_at'}) do
  local value = redis.call('HGET', KEYS[1], name)
  if value and #value >= 19 and string.sub(value, -1) ~= 'Z' then
    local fraction = string.sub(value, 21, 23)
    if #fraction < 3 then fraction = '000' end
    redis.call('HSET', KEYS[1], name,
               string.sub(value, 1, 10) .. 'T' .. string.sub(value, 12, 19) .. '.' .. fraction .. '000Z')
  end
end
if ARGV[6] ~= '' and redis.call('HEXISTS', KEYS[1], 'result_json') == 0 and
   redis.call('HGET', KEYS[1], 'result') == ARGV[7] then
  redis.call('HSET', KEYS[1], 'result_json', ARGV[7], 'result', ARGV[6])
end
local fields = redis.call('HMGET', KEYS[1], 'status', 'error')
if fields[1] == 'failed' and fields[2] then redis.call('HSET', KEYS[1], 'exc_info', fields[2]) end
return 1
)LUA";

const QList<QByteArray> kReadFields{"type",     "tenant", "source", "priority", "url",
                                    "filename", "size",   "status", "result",   "data"};

QList<QByteArray> upgradeArguments(const QList<QByteArray> &fields, qint64 textBytes,
                                   const QByteArray &resultTtl, const QByteArray &failureTtl)
{
    const QByteArray type = fields.value(0).isEmpty() ? QByteArray("text") : fields.value(0);
    const QByteArray priority = fields.value(3).isEmpty() ? QByteArray("default") : fields.value(3);
    RqCallInput call{type, {}, fields.value(2), fields.value(1), priority, -1, {}};
    if (type == "url")
        call.argument = fields.value(4);
    else if (type == "file")
        call.argument = fields.value(5);
    if (type == "text")
        call.size = textBytes;
    else if (type == "file" && !fields.value(6).isEmpty())
        call.size = fields.value(6).toLongLong();
    const RqCall rq = rqCall(call);
    QByteArray resultPickle;
    const QByteArray result = fields.value(8);
    if (fields.value(7) == "finished" && result.startsWith('{')) {
        const QJsonDocument json = QJsonDocument::fromJson(result);
        if (json.isObject())
            resultPickle = PickleWriter().json(json.object()).finish();
    }
    return {rq.data,      rq.description, keys::queueName(priority), resultTtl, failureTtl,
            resultPickle, result};
}

// Runs kUpgradeJob for a batch in one pipeline (the first call loads the
// script; a NOSCRIPT answer, after a Redis restart, is run again alone).
qint64 upgradeBatch(RedisConnection &redis,
                    const QList<QPair<QByteArray, QList<QByteArray>>> &upgrades)
{
    if (upgrades.isEmpty())
        return 0;
    qint64 upgraded = redis.script(kUpgradeJob, {upgrades[0].first}, upgrades[0].second).integer();
    QList<RedisCommand> commands;
    for (qsizetype i = 1; i < upgrades.size(); ++i)
        commands.append(redis.scriptCommand(kUpgradeJob, {upgrades[i].first}, upgrades[i].second));
    const QList<RedisReply> replies =
        commands.isEmpty() ? QList<RedisReply>() : redis.pipeline(commands);
    for (qsizetype i = 0; i < replies.size(); ++i) {
        RedisReply reply = replies[i];
        if (reply.isError() && reply.string().startsWith("NOSCRIPT"))
            reply = redis.script(kUpgradeJob, {upgrades[i + 1].first}, upgrades[i + 1].second);
        if (reply.isError())
            throw RedisUnavailable(QString::fromUtf8(reply.string()));
        upgraded += reply.integer();
    }
    return upgraded;
}

} // namespace

LayoutUpgrade::LayoutUpgrade(RedisConnection &redis, int resultTtlSec, int failureTtlSec)
    : m_redis(redis), m_resultTtlSec(resultTtlSec), m_failureTtlSec(failureTtlSec),
      m_owner(WorkerPool::processName() + '.' + QUuid::createUuid().toByteArray(QUuid::Id128))
{}

bool LayoutUpgrade::needed()
{
    const QList<RedisReply> replies =
        m_redis.pipeline({{"EXISTS", kOldIndex, kState},
                          {"ZCOUNT", keys::kRqStarted, kMsScores, "+inf"},
                          {"ZCOUNT", keys::kRqScheduled, kMsScores, "+inf"}});
    return replies[0].integer() > 0 || replies[1].integer() > 0 || replies[2].integer() > 0;
}

bool LayoutUpgrade::holdLock()
{
    const RedisReply lock = m_redis.command(
        {"SET", keys::kMigrationLock, m_owner, "NX", "PX", QByteArray::number(kLockMs)});
    if (lock.string() == "OK")
        return true;
    // Ours already (a later step renews it)?
    if (m_redis.command({"GET", keys::kMigrationLock}).string() != m_owner)
        return false;
    m_redis.command({"PEXPIRE", keys::kMigrationLock, QByteArray::number(kLockMs)});
    return true;
}

qint64 LayoutUpgrade::runIfNeeded()
{
    if (!needed() || !holdLock())
        return 0;
    qCInfo(lcUpgrade, "upgrading the queue's Redis layout to the RQ-compatible one");
    moveIndexes();
    rebuildEndedRegistries();
    convertLeasesAndSchedule();
    const qint64 jobs = upgradeJobHashes();
    m_redis.pipeline({{"DEL", kState}, {"DEL", keys::kMigrationLock}});
    qCInfo(lcUpgrade, "layout upgraded: %lld job hashes given RQ's fields", jobs);
    return jobs;
}

void LayoutUpgrade::moveIndexes()
{
    m_redis.script(kMoveIndexes,
                   {kOldIndex, keys::kIndex, kState, keys::kRqFinished, keys::kRqFailed,
                    keys::kRqCanceled, kMigrating + "finished", kMigrating + "failed",
                    kMigrating + "canceled"},
                   {});
}

void LayoutUpgrade::rebuildEndedRegistries()
{
    const QByteArray now = QByteArray::number(QDateTime::currentMSecsSinceEpoch() / 1000.0, 'f', 3);
    const QList<std::tuple<QByteArray, QByteArray, QByteArray, int>> states{
        {"finished", keys::kEndedFinished, keys::kRqFinished, m_resultTtlSec},
        {"failed", keys::kEndedFailed, keys::kRqFailed, m_failureTtlSec},
        {"canceled", keys::kEndedCanceled, keys::kRqCanceled, m_failureTtlSec}};
    for (const auto &[state, ended, registry, ttl] : states) {
        while (holdLock()) {
            const RedisReply left =
                m_redis.script(kRebuildRegistry, {kMigrating + state, ended, registry},
                               {state, QByteArray::number(ttl), now});
            if (left.isError())
                throw RedisUnavailable(QString::fromUtf8(left.string()));
            if (left.integer() == 0)
                break;
        }
    }
}

void LayoutUpgrade::convertLeasesAndSchedule()
{
    m_redis.script(
        kConvertLeases, {keys::kRqStarted, keys::kLeases, keys::kRqScheduled},
        {QByteArray::number(QDateTime::currentMSecsSinceEpoch() / 1000.0, 'f', 3), kMsScores});
}

qint64 LayoutUpgrade::upgradeJobHashes()
{
    const QByteArray resultTtl = QByteArray::number(m_resultTtlSec);
    const QByteArray failureTtl = QByteArray::number(m_failureTtlSec);
    QByteArray cursor = m_redis.command({"HGET", kState, "cursor"}).string();
    if (cursor.isEmpty())
        cursor = "0";
    qint64 upgraded = 0;
    do {
        if (!holdLock())
            throw RedisUnavailable(QStringLiteral("lost the layout upgrade's lock"));
        // ZSCAN returns every id present for the whole scan at least once,
        // while jobs are added and trimmed meanwhile.
        const RedisReply page =
            m_redis.command({"ZSCAN", keys::kIndex, cursor, "COUNT", QByteArray::number(kChunk)});
        cursor = page.element(0).string();
        const RedisReply entries = page.element(1);
        QList<QByteArray> ids;
        QList<RedisCommand> reads;
        for (qsizetype i = 0; i + 1 < entries.size(); i += 2) {
            const QByteArray id = entries.element(i).string();
            ids.append(id);
            RedisCommand read{"HMGET", keys::job(id)};
            read << kReadFields;
            reads.append(read);
            reads.append({"HSTRLEN", keys::job(id), "text"});
        }
        const QList<RedisReply> replies =
            reads.isEmpty() ? QList<RedisReply>() : m_redis.pipeline(reads);
        QList<QPair<QByteArray, QList<QByteArray>>> upgrades; // job key, script arguments
        for (qsizetype i = 0; i < ids.size(); ++i) {
            const QList<QByteArray> fields = replies[2 * i].strings();
            if (fields.value(7).isEmpty() || !fields.value(9).isEmpty())
                continue; // gone, or has RQ's fields already
            upgrades.append(
                {keys::job(ids[i]),
                 upgradeArguments(fields, replies[2 * i + 1].integer(), resultTtl, failureTtl)});
        }
        upgraded += upgradeBatch(m_redis, upgrades);
        m_redis.command({"HSET", kState, "cursor", cursor});
    } while (cursor != "0");
    return upgraded;
}

} // namespace aether
