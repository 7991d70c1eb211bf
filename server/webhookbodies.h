#pragma once

#include <QByteArray>
#include <optional>

namespace aether {

class RedisConnection;

// What a webhook POSTs for "job:<id>" or "batch:<id>": exactly the body of
// GET /ops/jobs/{id} or GET /ops/batches/{id}; nullopt when it is gone.
// Runs on the webhook thread, over that thread's connection.
std::optional<QByteArray> webhookBody(RedisConnection &redis, const QByteArray &target);

} // namespace aether
