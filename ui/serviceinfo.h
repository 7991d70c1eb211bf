#pragma once

#include "config/settings.h"

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace aether {

// Where the window finds the service it shows: its own REST API (with the keys
// it may use) and the Redis that carries the job events.
struct ApiEndpoint
{
    QUrl baseUrl;        // http://127.0.0.1:8000
    QByteArray apiKey;   // sent as x-api-key
    QByteArray adminKey; // sent as x-admin-key on /ops/* when set
    // Sent as x-aether-window: this process's own window is never locked out
    // by the wrong-key ban that another local client may cause.
    QByteArray windowToken;
};

struct ServiceInfo
{
    ApiEndpoint api;
    RedisUrl redis;
    bool embeddedRedis = false; // a private redis-server this process (or a sibling) runs
    int workers = 0;
    QString configFile; // the settings file the settings dialog writes
    Settings settings;  // in effect (the port it listens on, not only the file's)
    // Why the store's vectors do not fit the configured embedder (then ingest
    // jobs fail until it is re-indexed), or empty.
    QString storeMismatch;
};

} // namespace aether
