#pragma once

#include "config/redisurl.h"

#include <QHash>
#include <QString>
#include <optional>

namespace aether {

// Everything a program of Aether Ingest is configured with. Names and defaults
// are SettingsLoader's option table (README.md "Configuration").
struct Settings
{
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 8000;
    std::optional<RedisUrl> redis; // unset: start a private redis-server
    QString databasePath;          // from DATABASE_URL, else <dataDir>/knowledge.db
    QString dataDir;               // app data dir (private Redis, default store)
    QString configFile;            // the settings file (--config, AETHER_CONFIG or the default)

    QString embedProvider = QStringLiteral("hash");
    QString embedModel;
    QString embedBaseUrl;
    QString embedApiKey;
    int embedBatchSize = 64;  // texts per request to the embedding service
    int embedTimeoutSec = 60; // one request to the embedding service

    int workers = 1; // default: number of cores
    QString apiKeys; // "key:role[:tenant],..."
    QString adminKey;

    int jobTimeoutSec = 600;
    int resultTtlSec = 500;
    int failureTtlSec = 7 * 24 * 3600;
    int maxUploadMb = 100;
    int maxInflightMb = 256; // MAX_INFLIGHT_MB: request bodies being received at once, all together
    bool urlAllowPrivate = false;
    QString urlAllowHosts; // URL_ALLOW_HOSTS: "name,..." private hosts URL jobs may reach
    bool urlAllowCredentials = false; // URL_ALLOW_CREDENTIALS: URL jobs may carry user:password@
    QString allowedHosts; // ALLOWED_HOSTS: "name,..." the API answers besides its own address
    int httpIdleTimeoutSec = 60; // idle connections closed; header blocks must arrive within it
    int authMaxFailures = 5;     // wrong keys from one address before a ban (0: never)
    int authBanSec = 600;
    int retryBackoffMs = 2000; // first retry delay of a transient failure; doubles per attempt
    int shutdownGraceSec = 30; // on SIGTERM, running jobs get this long before they are handed back
    int maxRecoveries = 2; // times a job is taken back from dead workers before it fails

    // Webhooks: default URL and secret per API key ("key=value,..."), and the
    // secret for keys without their own; the first retry's delay.
    QString webhookUrls;
    QString webhookSecrets;
    QString webhookSecret;
    int webhookRetryBaseMs = 1000;

    // Watched folders from the settings ("path|source|*.md *.pdf,...") and how
    // often every watched folder is rescanned besides change notifications.
    QString watchFolders;
    int watchRescanSec = 30;
    // WATCH_ROOTS: "/dir,tenant=/dir,...", where watches added through the API
    // may lie; unset: the program's default (the home folder for the desktop
    // program, none for the service).
    std::optional<QString> watchRoots;

    int crawlDelayMs = 1000; // between two fetches of a crawled site (CRAWL_DELAY_MS)

    int chunkSize = 1000;
    int chunkOverlap = 150;

    // OCR of scanned PDF pages and images: "auto" (when a page has no text
    // layer) or "off"; the Tesseract languages, "+"-joined ("eng+deu").
    QString ocr = QStringLiteral("auto");
    QString ocrLangs = QStringLiteral("eng");

    // How log lines are written: "text" (a UTC time, the level, the message)
    // or "json" (one object a line); under journald, with priority prefixes.
    QString logFormat = QStringLiteral("text");

    // Whether the program runs as a system service, which refuses the public
    // development keys: "auto" (when systemd started it: INVOCATION_ID is
    // set), "yes" or "no".
    QString systemService = QStringLiteral("auto");
    bool runsAsSystemService() const;

    bool noServer = false; // --no-server: workers only

    // Where each setting that was given came from, by environment name:
    // "flag", "environment" or "file" (absent: the default). The settings
    // dialog says which values its file cannot change.
    QHash<QString, QString> origins;

    bool listensOnLoopbackOnly() const;
    qint64 maxUploadBytes() const { return qint64(maxUploadMb) * 1024 * 1024; }
    qint64 maxInflightBytes() const { return qint64(maxInflightMb) * 1024 * 1024; }
};

} // namespace aether
