#include "queue/reconciler.h"

#include "queue/jobtime.h"
#include "queue/reconcilescripts.h"
#include "queue/redisconnection.h"
#include "queue/rediskeys.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <zlib.h>

Q_LOGGING_CATEGORY(lcReconciler, "aether.queue.reconciler")

namespace aether {

namespace {

// Every id in the three queue lists, read a page at a time (LRANGE of a
// 100,000-job queue at once would hold Redis for milliseconds).
QSet<QByteArray> listedIds(RedisConnection &redis)
{
    QSet<QByteArray> ids;
    for (const char *priority : {"high", "default", "low"}) {
        for (qint64 from = 0;; from += Reconciler::kListPage) {
            const QList<QByteArray> page =
                redis
                    .command({"LRANGE", keys::queue(priority), QByteArray::number(from),
                              QByteArray::number(from + Reconciler::kListPage - 1)})
                    .strings();
            for (const QByteArray &id : page)
                ids.insert(id);
            if (page.size() < Reconciler::kListPage)
                break;
        }
    }
    // A bulk empty's holding list (bulkscripts.h kDetachQueue): its ids are
    // being canceled, not stranded. An expired one leaves the register here.
    for (const QByteArray &holding : redis.command({"SMEMBERS", keys::kEmptying}).strings()) {
        const QList<QByteArray> held = redis.command({"LRANGE", holding, "0", "-1"}).strings();
        if (held.isEmpty())
            redis.command({"SREM", keys::kEmptying, holding});
        for (const QByteArray &id : held)
            ids.insert(id);
    }
    return ids;
}

// The ids of the job index whose status is queued.
QList<QByteArray> queuedIds(RedisConnection &redis)
{
    QList<QByteArray> ids;
    qint64 from = 0;
    while (from >= 0) {
        const QList<QByteArray> found =
            redis
                .script(scripts::kQueuedInIndex, {keys::kIndex},
                        {QByteArray::number(from), QByteArray::number(Reconciler::kIndexChunk)})
                .strings();
        if (found.isEmpty())
            break;
        ids += found.mid(1);
        bool isNumber = false;
        const qint64 next = found.first().toLongLong(&isNumber);
        if (!isNumber || (next >= 0 && next <= from))
            break; // never walk the same entries twice
        from = next;
    }
    return ids;
}

// What any writer of Redis may put in a job's result stream is read with a
// bound: at most this much compressed, and inflated.
constexpr int kMaxRqErrorBytes = 1024 * 1024;
constexpr int kMaxErrorLineBytes = 4096; // of it, what the job's error keeps

// A zlib stream inflated up to `limit` bytes (a bomb stops there, with what
// came so far); qUncompress has no such limit.
QByteArray inflatedAtMost(const QByteArray &compressed, qsizetype limit)
{
    z_stream stream{};
    if (inflateInit(&stream) != Z_OK)
        return {};
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(compressed.constData()));
    stream.avail_in = uInt(compressed.size());
    QByteArray out(qMin<qsizetype>(limit, 64 * 1024), Qt::Uninitialized);
    qsizetype used = 0;
    int status = Z_OK;
    while (status == Z_OK && used < limit) {
        if (used == out.size())
            out.resize(qMin<qsizetype>(limit, out.size() * 2));
        stream.next_out = reinterpret_cast<Bytef *>(out.data() + used);
        stream.avail_out = uInt(out.size() - used);
        status = inflate(&stream, Z_NO_FLUSH);
        used = out.size() - stream.avail_out;
    }
    inflateEnd(&stream);
    out.truncate(used);
    return out;
}

// The error RQ recorded for a job it failed: RQ 1.13 keeps it in the job's
// result stream (rq:results:<id>, `exc_string`: base64 of zlib), not in the
// hash, when Redis has streams. Its last line names the exception, e.g.
// "ModuleNotFoundError: No module named 'aether_ingest'".
QByteArray rqFailureText(RedisConnection &redis, const QByteArray &id)
{
    const RedisReply latest =
        redis.command({"XREVRANGE", "rq:results:" + id, "+", "-", "COUNT", "1"});
    if (latest.size() == 0)
        return {};
    const QList<QByteArray> fields = latest.element(0).element(1).strings();
    for (qsizetype i = 0; i + 1 < fields.size(); i += 2) {
        if (fields[i] != "exc_string")
            continue;
        if (fields[i + 1].size() > kMaxRqErrorBytes)
            return "RQWorkerError: RQ's error text is too large to read";
        return inflatedAtMost(QByteArray::fromBase64(fields[i + 1]), kMaxRqErrorBytes);
    }
    return {};
}

QByteArray lastLine(const QByteArray &text)
{
    const QList<QByteArray> lines = text.trimmed().split('\n');
    // An error names the exception in its first words; a line of megabytes is cut.
    return lines.isEmpty() ? QByteArray() : lines.last().trimmed().left(kMaxErrorLineBytes);
}

} // namespace

int Reconciler::pass(RedisConnection &redis)
{
    return requeueStranded(redis) + adoptForeignEnds(redis);
}

int Reconciler::requeueStranded(RedisConnection &redis)
{
    // The index is read before the lists: a job enqueued in between is in a
    // list but not among the queued ids, never the other way round.
    const QList<QByteArray> queued = queuedIds(redis);
    const QSet<QByteArray> listed = listedIds(redis);
    QSet<QByteArray> stranded;
    RedisCommand candidates; // seen stranded in the last pass too
    for (const QByteArray &id : queued) {
        if (listed.contains(id))
            continue;
        stranded.insert(id);
        if (m_strandedBefore.contains(id))
            candidates.append(id);
    }
    m_strandedBefore = stranded;
    if (candidates.isEmpty())
        return 0;
    candidates.prepend(rqTimestampNow());
    const QList<QByteArray> back =
        redis
            .script(scripts::kRequeueStranded,
                    {keys::queue("high"), keys::queue("default"), keys::queue("low"), keys::kEvents,
                     keys::kStrandedRequeued},
                    candidates)
            .strings();
    for (const QByteArray &id : back) {
        qCWarning(lcReconciler, "job %s was queued but in no queue list; put it back",
                  id.constData());
        m_strandedBefore.remove(id);
    }
    return int(back.size());
}

int Reconciler::adoptForeignEnds(RedisConnection &redis)
{
    // The jobs in RQ's failed registries that Aether's own index of failures
    // lacks; the script re-checks each one.
    const QList<QByteArray> registries{keys::kRqFailed, "rq:failed:" + keys::queueName("high"),
                                       "rq:failed:" + keys::queueName("low")};
    QList<RedisCommand> diffs;
    for (const QByteArray &registry : registries)
        diffs.append({"ZDIFF", "2", registry, keys::kEndedFailed});
    RedisCommand arguments{QByteArray::number(QDateTime::currentMSecsSinceEpoch() / 1000.0, 'f', 3),
                           rqTimestampNow(), QByteArray::number(m_failureTtlSec)};
    const QList<RedisReply> found = redis.pipeline(diffs);
    for (qsizetype i = 0; i < found.size(); ++i) {
        for (const QByteArray &id : found[i].strings())
            arguments << id << registries[i] << lastLine(rqFailureText(redis, id));
    }
    const QList<QByteArray> adopted =
        redis
            .script(scripts::kAdoptForeignEnds,
                    {keys::kEndedFailed, keys::kFailedList, keys::kEvents, keys::kRqFailed,
                     keys::kLeases, keys::kRqStarted, "rq:wip:" + keys::queueName("high"),
                     "rq:wip:" + keys::queueName("low")},
                    arguments)
            .strings();
    if (!adopted.isEmpty()) {
        redis.command({"INCRBY", keys::kForeignAdopted, QByteArray::number(adopted.size())});
        for (const QByteArray &id : adopted)
            qCWarning(lcReconciler,
                      "job %s was failed by a Python RQ worker (see its error); do not point RQ "
                      "workers at this queue",
                      id.constData());
    }
    return int(adopted.size());
}

} // namespace aether
