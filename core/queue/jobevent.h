#pragma once

#include <QByteArray>
#include <QJsonObject>

namespace aether {

// The JSON published on rq:events:ingest when a job changes state, for live views.
QByteArray jobEventJson(const QByteArray &id, const QByteArray &status, const QByteArray &tenant,
                        const QJsonObject &extra = {});

} // namespace aether
