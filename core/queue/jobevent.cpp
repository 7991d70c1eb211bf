#include "queue/jobevent.h"

#include "queue/rediskeys.h"

namespace aether {

QByteArray queuedEventJson(const QByteArray &id, const QByteArray &tenant, const QByteArray &at,
                           const QByteArray &batchId)
{
    QByteArray json;
    json.reserve(128 + id.size() + tenant.size() + batchId.size());
    json.append("{\"job_id\":\"").append(id).append("\",\"status\":\"queued\",\"tenant\":\"");
    json.append(tenant).append("\",\"at\":\"").append(at).append('"');
    if (!batchId.isEmpty())
        json.append(",\"batch_id\":\"").append(batchId).append('"');
    json.append('}');
    return json;
}

QByteArray progressEventJson(const QByteArray &id, const QByteArray &tenant, const char *stage,
                             int percent, const QByteArray &batchId)
{
    QByteArray json;
    json.reserve(128 + id.size() + tenant.size() + batchId.size());
    json.append("{\"job_id\":\"").append(id).append("\",\"status\":\"started\",\"tenant\":\"");
    json.append(tenant).append("\",\"stage\":\"").append(stage).append("\",\"progress\":");
    json.append(QByteArray::number(percent));
    if (!batchId.isEmpty())
        json.append(",\"batch_id\":\"").append(batchId).append('"');
    json.append('}');
    return json;
}

QList<QList<QByteArray>> eventCommands(const QByteArray &json)
{
    return {{"PUBLISH", keys::kEvents, json},
            {"XADD", keys::kEventLog, "MAXLEN", "~", QByteArray::number(keys::kEventLogCap), "*",
             "data", json}};
}

} // namespace aether
