#pragma once

#include "config/redisurl.h"
#include "fetch/addressguard.h"
#include "notify/webhookdirectory.h"
#include "notify/webhooksignature.h"

#include <QThread>
#include <atomic>
#include <functional>
#include <optional>

namespace aether {

class RedisConnection;

struct WebhookOptions
{
    PrivateAccess allowPrivate; // URL_ALLOW_PRIVATE, URL_ALLOW_HOSTS
    WebhookBackoff backoff;
    int timeoutMs = 10000; // one attempt
    int leaseMs = 60000;   // a claimed delivery is due again after this if its process died
};

// Delivers the webhooks of ended jobs and batches, on its own thread. The
// queue scripts make a delivery due in the zset rq:webhooks:due (member
// "job:<id>" or "batch:<id>") and push a wake token; any process running a
// dispatcher claims due deliveries (moving their score a lease ahead, so a
// crash only delays them), POSTs the body, records the attempt in the job's
// or batch's hash (webhook_deliveries) and schedules the next attempt with
// exponential backoff, for up to an hour. The body is made once, at the first
// attempt, so every retry sends the same signed bytes.
class WebhookDispatcher : public QThread
{
    Q_OBJECT

public:
    // The body for "job:<id>" or "batch:<id>"; nullopt when it is gone.
    using BodyBuilder =
        std::function<std::optional<QByteArray>(RedisConnection &, const QByteArray &target)>;

    WebhookDispatcher(RedisUrl redis, WebhookDirectory directory, WebhookOptions options,
                      BodyBuilder body, QObject *parent = nullptr);
    ~WebhookDispatcher() override;

    void requestStop() { m_stopping = true; }

    // The Redis hash of a delivery target ("job:<id>" -> rq:job:<id>).
    static QByteArray hashKey(const QByteArray &target);

protected:
    void run() override;

private:
    QList<QByteArray> claim(RedisConnection &redis);
    void deliver(RedisConnection &redis, const QByteArray &target);

    RedisUrl m_redis;
    WebhookDirectory m_directory;
    WebhookOptions m_options;
    BodyBuilder m_body;
    std::atomic_bool m_stopping{false};
};

} // namespace aether
