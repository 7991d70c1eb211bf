#include "server/webhookbodies.h"

#include "queue/jobbatches.h"
#include "queue/rediskeys.h"
#include "server/batchroutes.h"
#include "server/jobroutes.h"

#include <QJsonDocument>

namespace aether {

std::optional<QByteArray> webhookBody(RedisConnection &redis, const QByteArray &target)
{
    QJsonObject body;
    if (target.startsWith("batch:")) {
        const std::optional<BatchState> batch = JobBatches(redis).fetch(target.mid(6));
        if (!batch)
            return std::nullopt;
        body = BatchRoutes::batchJson(*batch);
    } else {
        const QByteArray id = target.mid(4);
        const JobFields fields = redis.command({"HGETALL", keys::job(id)}).hash();
        if (fields.isEmpty())
            return std::nullopt;
        body = JobRoutes::jobJson(id, fields);
    }
    body.insert(QStringLiteral("ok"), true);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

} // namespace aether
