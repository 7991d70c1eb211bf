#pragma once

#include <QByteArray>

namespace aether {

// The JSON published on rq:events:ingest when a job is queued, for live views:
// {"job_id":..,"status":"queued","tenant":..,"at":..}. Built by hand because it
// is made once per enqueued job on the HTTP thread; the values need no
// escaping (a UUID, a tenant name of [A-Za-z0-9._-], a timestamp).
QByteArray queuedEventJson(const QByteArray &id, const QByteArray &tenant, const QByteArray &at);

} // namespace aether
