#pragma once

#include <QByteArray>
#include <QList>

namespace aether {

// The JSON published on rq:events:ingest when a job is queued, for live views:
// {"job_id":..,"status":"queued","tenant":..,"at":..} plus "batch_id" for a
// batch member. Built by hand because it is made once per enqueued job on the
// HTTP thread; the values need no escaping (UUIDs, a tenant name of
// [A-Za-z0-9._-], a timestamp).
QByteArray queuedEventJson(const QByteArray &id, const QByteArray &tenant, const QByteArray &at,
                           const QByteArray &batchId = {});

// The JSON of a started job's progress: {"job_id":..,"status":"started",
// "tenant":..,"stage":..,"progress":..} plus "batch_id" for a batch member.
// By hand too (workers send it on every stage change of every job); the stage
// is one of the pipeline's names ([a-z_]).
QByteArray progressEventJson(const QByteArray &id, const QByteArray &tenant, const char *stage,
                             int percent, const QByteArray &batchId = {});

// The commands that announce one event, as the Lua scripts' emit() does:
// PUBLISH on rq:events:ingest and XADD to the capped event log.
QList<QList<QByteArray>> eventCommands(const QByteArray &json);

} // namespace aether
