#include "queue/jobevent.h"

namespace aether {

QByteArray queuedEventJson(const QByteArray &id, const QByteArray &tenant, const QByteArray &at)
{
    QByteArray json;
    json.reserve(96 + id.size() + tenant.size());
    json.append("{\"job_id\":\"").append(id).append("\",\"status\":\"queued\",\"tenant\":\"");
    json.append(tenant).append("\",\"at\":\"").append(at).append("\"}");
    return json;
}

} // namespace aether
