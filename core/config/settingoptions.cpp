#include "config/settingoptions.h"

#include <QDir>
#include <QHostAddress>
#include <QRegularExpression>

namespace aether {

namespace {

using Kind = SettingOption::Kind;

QString numberError(const char *env, int minimum, int maximum, const QString &text)
{
    return QStringLiteral("%1 must be a whole number from %2 to %3, not '%4'")
        .arg(QString::fromLatin1(env))
        .arg(minimum)
        .arg(maximum)
        .arg(text);
}

// Whole numbers in [minimum, maximum]; nullopt otherwise.
std::optional<int> parseNumber(const QString &text, int minimum, int maximum)
{
    bool ok = false;
    const int value = text.trimmed().toInt(&ok);
    if (!ok || value < minimum || value > maximum)
        return std::nullopt;
    return value;
}

SettingOption makeOption(const char *flag, const char *env, const char *valueName, const char *help,
                         Kind kind = Kind::Text, int minimum = 0, int maximum = 0)
{
    SettingOption option;
    option.flag = flag;
    option.env = env;
    option.valueName = valueName;
    option.help = help;
    option.kind = kind;
    option.minimum = minimum;
    option.maximum = maximum;
    return option;
}

SettingOption textOption(const char *flag, const char *env, const char *valueName, const char *help,
                         QString Settings::*member, QString label = {}, Kind kind = Kind::Text)
{
    SettingOption option = makeOption(flag, env, valueName, help, kind);
    option.dialogLabel = std::move(label);
    option.read = [member](const Settings &settings) { return settings.*member; };
    option.write = [member](Settings &settings, const QString &text) {
        settings.*member = text.trimmed();
        return QString();
    };
    return option;
}

// One of `choices`, lower-cased: "OCR must be auto or off, not 'x'" (three or
// more: "must be one of a, b, c").
SettingOption choiceOption(const char *flag, const char *env, const char *valueName,
                           const char *help, QStringList choices, QString Settings::*member)
{
    SettingOption option = makeOption(flag, env, valueName, help, Kind::Choice);
    option.choices = std::move(choices);
    option.read = [member](const Settings &settings) { return settings.*member; };
    option.write = [member, env, choices = option.choices](Settings &settings,
                                                           const QString &text) {
        const QString value = text.trimmed().toLower();
        if (choices.contains(value)) {
            settings.*member = value;
            return QString();
        }
        const QString allowed =
            choices.size() == 2 ? choices.join(QStringLiteral(" or "))
                                : QStringLiteral("one of ") + choices.join(QStringLiteral(", "));
        return QStringLiteral("%1 must be %2, not '%3'").arg(QLatin1String(env), allowed, value);
    };
    return option;
}

SettingOption numberOption(const char *flag, const char *env, const char *valueName,
                           const char *help, int Settings::*member, int minimum, int maximum,
                           QString label = {})
{
    SettingOption option = makeOption(flag, env, valueName, help, Kind::Number, minimum, maximum);
    option.dialogLabel = std::move(label);
    option.read = [member](const Settings &settings) { return QString::number(settings.*member); };
    option.write = [member, env, minimum, maximum](Settings &settings, const QString &text) {
        const std::optional<int> value = parseNumber(text, minimum, maximum);
        if (!value)
            return numberError(env, minimum, maximum, text);
        settings.*member = *value;
        return QString();
    };
    return option;
}

SettingOption flagOption(const char *flag, const char *env, const char *help,
                         bool Settings::*member, QString label = {})
{
    SettingOption option = makeOption(flag, env, "0|1", help, Kind::Flag);
    option.dialogLabel = std::move(label);
    option.read = [member](const Settings &settings) {
        return settings.*member ? QStringLiteral("1") : QStringLiteral("0");
    };
    option.write = [member, env](Settings &settings, const QString &text) {
        const QString value = text.trimmed().toLower();
        if (value == QLatin1String("1") || value == QLatin1String("true") ||
            value == QLatin1String("yes")) {
            settings.*member = true;
        } else if (value == QLatin1String("0") || value == QLatin1String("false") ||
                   value == QLatin1String("no") || value.isEmpty()) {
            settings.*member = false;
        } else {
            return QStringLiteral("%1 must be 0 or 1, not '%2'")
                .arg(QString::fromLatin1(env), text);
        }
        return QString();
    };
    return option;
}

SettingOption hostOption()
{
    SettingOption option =
        textOption("host", "AETHER_HOST", "address", "Listen address (default 127.0.0.1).",
                   &Settings::host, QObject::tr("Listen address"));
    option.write = [](Settings &settings, const QString &text) {
        const QString host = text.trimmed();
        if (QHostAddress(host).isNull() && host != QLatin1String("localhost"))
            return QStringLiteral("AETHER_HOST must be an IP address or localhost, not '%1'")
                .arg(host);
        settings.host = host;
        return QString();
    };
    return option;
}

SettingOption portOption()
{
    SettingOption option = makeOption("port", "AETHER_PORT", "port", "Listen port (default 8000).",
                                      Kind::Number, 1, 65535);
    option.dialogLabel = QObject::tr("Port");
    option.read = [](const Settings &settings) { return QString::number(settings.port); };
    option.write = [](Settings &settings, const QString &text) {
        const std::optional<int> port = parseNumber(text, 1, 65535);
        if (!port)
            return numberError("AETHER_PORT", 1, 65535, text);
        settings.port = quint16(*port);
        return QString();
    };
    return option;
}

SettingOption redisOption()
{
    SettingOption option = makeOption(
        "redis-url", "REDIS_URL", "url",
        "Redis: redis://[:pw@]host:port/db or unix:///path.sock. Unset: a private redis-server.");
    option.dialogLabel = QObject::tr("Redis URL");
    option.read = [](const Settings &settings) {
        return settings.redis ? settings.redis->toUrlString() : QString();
    };
    option.write = [](Settings &settings, const QString &text) {
        if (text.trimmed().isEmpty()) {
            settings.redis.reset();
            return QString();
        }
        QString error;
        settings.redis = RedisUrl::parse(text, &error);
        return error;
    };
    return option;
}

SettingOption databaseOption()
{
    SettingOption option =
        makeOption("database-url", "DATABASE_URL", "url",
                   "Store: sqlite:///abs/path.db (default <data dir>/knowledge.db).");
    option.read = [](const Settings &settings) {
        return settings.databasePath.isEmpty()
                   ? QString()
                   : QStringLiteral("sqlite://") + settings.databasePath;
    };
    option.write = [](Settings &settings, const QString &text) {
        const QString url = text.trimmed();
        if (url.isEmpty()) {
            settings.databasePath.clear(); // the data directory's, once that is known
            return QString();
        }
        const QString prefix = QStringLiteral("sqlite:///");
        if (!url.startsWith(prefix))
            return QStringLiteral(
                       "DATABASE_URL must look like sqlite:///absolute/path.db, not '%1'")
                .arg(url);
        // sqlite:////abs/path (four slashes) and sqlite:///abs/path both mean /abs/path.
        QString path = url.mid(prefix.size());
        if (!path.startsWith(QLatin1Char('/')))
            path.prepend(QLatin1Char('/'));
        settings.databasePath = QDir::cleanPath(path);
        return QString();
    };
    return option;
}

SettingOption providerOption()
{
    SettingOption option =
        choiceOption("embed-provider", "EMBED_PROVIDER", "name",
                     "Embedder: hash (default, offline), openai (any OpenAI-compatible "
                     "/v1/embeddings) or ollama.",
                     {QStringLiteral("hash"), QStringLiteral("openai"), QStringLiteral("ollama")},
                     &Settings::embedProvider);
    option.dialogLabel = QObject::tr("Embedder");
    return option;
}

SettingOption ocrLangsOption()
{
    SettingOption option =
        makeOption("ocr-langs", "OCR_LANGS", "langs",
                   "Tesseract languages, +-joined (default eng; others need tesseract-ocr-<lang>).",
                   Kind::Text);
    option.read = [](const Settings &settings) { return settings.ocrLangs; };
    option.write = [](Settings &settings, const QString &text) {
        static const QRegularExpression languages(
            QStringLiteral("^[a-z][a-z_]{1,15}(\\+[a-z][a-z_]{1,15})*$"));
        const QString langs = text.trimmed();
        if (!languages.match(langs).hasMatch())
            return QStringLiteral("OCR_LANGS must be Tesseract language codes joined by +, "
                                  "such as eng or eng+deu, not '%1'")
                .arg(langs);
        settings.ocrLangs = langs;
        return QString();
    };
    return option;
}

SettingOption watchRootsOption()
{
    SettingOption option =
        makeOption("watch-roots", "WATCH_ROOTS", "list",
                   "Folders API watches may lie under: /abs/dir (every tenant) or "
                   "tenant=/abs/dir,... (default: the home folder for aether-ingest, none "
                   "for aether-ingestd).");
    option.read = [](const Settings &settings) { return settings.watchRoots.value_or(QString()); };
    option.write = [](Settings &settings, const QString &text) {
        settings.watchRoots = text.trimmed();
        return QString();
    };
    return option;
}

QList<SettingOption> buildOptions()
{
    const auto tr = [](const char *text) { return QObject::tr(text); };
    SettingOption workers = numberOption(
        "workers", "WORKERS", "n", "Worker threads; 0 = server only (default: number of cores).",
        &Settings::workers, 0, 256, tr("Workers"));
    workers.zeroMeans = tr("0 (API only)");
    return {
        hostOption(),
        portOption(),
        redisOption(),
        databaseOption(),
        textOption("data-dir", "AETHER_DATA_DIR", "dir",
                   "App data directory (private Redis, default store).", &Settings::dataDir),
        providerOption(),
        textOption("embed-model", "EMBED_MODEL", "name",
                   "Embedding model name (required for openai; ollama: nomic-embed-text).",
                   &Settings::embedModel, tr("Embedding model")),
        textOption("embed-base-url", "EMBED_BASE_URL", "url",
                   "Embedding service base URL (default https://api.openai.com or "
                   "http://127.0.0.1:11434).",
                   &Settings::embedBaseUrl, tr("Embedding service URL")),
        textOption("embed-api-key", "EMBED_API_KEY", "key",
                   "Embedding service API key (sent as Bearer).", &Settings::embedApiKey,
                   tr("Embedding service key"), Kind::Secret),
        numberOption("embed-batch-size", "EMBED_BATCH_SIZE", "n",
                     "Texts per request to the embedding service, 1 to 2048 (default 64).",
                     &Settings::embedBatchSize, 1, 2048),
        numberOption("embed-timeout", "EMBED_TIMEOUT", "seconds",
                     "Longest wait for one answer of the embedding service (default 60).",
                     &Settings::embedTimeoutSec, 1, 3600),
        workers,
        textOption("api-keys", "API_KEYS", "list",
                   "API keys: key:role[:tenant],... (default: dev keys, loopback only).",
                   &Settings::apiKeys, tr("API keys"), Kind::Secret),
        textOption("admin-key", "ADMIN_KEY", "key", "Admin key accepted in x-admin-key on /ops/*.",
                   &Settings::adminKey, tr("Admin key"), Kind::Secret),
        numberOption("job-timeout", "JOB_TIMEOUT", "seconds",
                     "Longest a job may run (default 600).", &Settings::jobTimeoutSec, 1,
                     7 * 24 * 3600),
        numberOption("result-ttl", "RESULT_TTL", "seconds",
                     "How long finished jobs are kept (default 500).", &Settings::resultTtlSec, 1,
                     365 * 24 * 3600),
        numberOption("failure-ttl", "FAILURE_TTL", "seconds",
                     "How long failed jobs are kept (default 7 days).", &Settings::failureTtlSec, 1,
                     365 * 24 * 3600),
        numberOption("max-upload-mb", "MAX_UPLOAD_MB", "MB", "Largest request body (default 100).",
                     &Settings::maxUploadMb, 1, 4096),
        numberOption("max-inflight-mb", "MAX_INFLIGHT_MB", "MB",
                     "Request bodies being received at once, all together; more get 503 "
                     "(default 256).",
                     &Settings::maxInflightMb, 1, 65536),
        textOption("allowed-hosts", "ALLOWED_HOSTS", "list",
                   "Host names the API answers besides its own address: name,... "
                   "(DNS-rebinding guard).",
                   &Settings::allowedHosts),
        numberOption("http-idle-timeout", "HTTP_IDLE_TIMEOUT", "seconds",
                     "Idle connections are closed, and request headers must arrive, within this "
                     "(default 60).",
                     &Settings::httpIdleTimeoutSec, 1, 24 * 3600),
        numberOption("auth-max-failures", "AUTH_MAX_FAILURES", "n",
                     "Wrong API keys from one address before it is banned; 0 = never "
                     "(default 5).",
                     &Settings::authMaxFailures, 0, 1000000),
        numberOption("auth-ban-seconds", "AUTH_BAN_SECONDS", "seconds",
                     "How long an address is refused after too many wrong keys (default 600).",
                     &Settings::authBanSec, 1, 7 * 24 * 3600),
        flagOption("url-allow-private", "URL_ALLOW_PRIVATE",
                   "1 lets URL jobs reach loopback and private addresses (default 0).",
                   &Settings::urlAllowPrivate, tr("URL jobs may reach private addresses")),
        textOption("url-allow-hosts", "URL_ALLOW_HOSTS", "list",
                   "Private hosts URL jobs and webhooks may reach anyway: name,... (e.g. an "
                   "intranet wiki).",
                   &Settings::urlAllowHosts, tr("Private hosts URL jobs may reach")),
        flagOption("url-allow-credentials", "URL_ALLOW_CREDENTIALS",
                   "1 lets URL jobs carry user:password@; used for the fetch, never stored or "
                   "shown (default 0).",
                   &Settings::urlAllowCredentials),
        numberOption("retry-backoff-ms", "RETRY_BACKOFF_MS", "ms",
                     "First retry delay after a transient failure; doubles per attempt "
                     "(default 2000).",
                     &Settings::retryBackoffMs, 1, 3600 * 1000),
        numberOption("shutdown-grace", "SHUTDOWN_GRACE", "seconds",
                     "On SIGTERM, how long running jobs may finish before they are handed back "
                     "(default 30).",
                     &Settings::shutdownGraceSec, 0, 3600),
        numberOption("max-recoveries", "MAX_RECOVERIES", "n",
                     "Times a job is taken back from workers that died while running it before "
                     "it fails with AbandonedJobError, so that a job that kills its worker does "
                     "not take down every worker in turn (default 2).",
                     &Settings::maxRecoveries, 0, 1000),
        textOption("webhook-urls", "WEBHOOK_URLS", "list",
                   "Default webhook per API key: key=url,... (jobs and batches of that key).",
                   &Settings::webhookUrls),
        textOption("webhook-secrets", "WEBHOOK_SECRETS", "list",
                   "Webhook signing secret per API key: key=secret,...", &Settings::webhookSecrets),
        textOption("webhook-secret", "WEBHOOK_SECRET", "secret",
                   "Webhook signing secret for keys without their own (X-Aether-Signature).",
                   &Settings::webhookSecret),
        numberOption("webhook-retry-base-ms", "WEBHOOK_RETRY_BASE_MS", "ms",
                     "First webhook retry delay; doubles per attempt, for up to an hour "
                     "(default 1000).",
                     &Settings::webhookRetryBaseMs, 1, 600 * 1000),
        textOption("watch-folders", "WATCH_FOLDERS", "list",
                   "Folders kept in sync: /abs/path|source|*.md *.pdf,... (patterns optional).",
                   &Settings::watchFolders),
        watchRootsOption(),
        numberOption("watch-rescan", "WATCH_RESCAN", "seconds",
                     "How often watched folders are rescanned besides change notifications "
                     "(default 30).",
                     &Settings::watchRescanSec, 1, 24 * 3600),
        numberOption("crawl-delay", "CRAWL_DELAY_MS", "ms",
                     "Pause between two fetches of a crawled site (default 1000; robots.txt's "
                     "Crawl-delay wins when longer).",
                     &Settings::crawlDelayMs, 0, 60000),
        numberOption("chunk-size", "CHUNK_SIZE", "chars",
                     "Chunk size in characters (default 1000).", &Settings::chunkSize, 50, 100000,
                     tr("Chunk size (chars)")),
        numberOption("chunk-overlap", "CHUNK_OVERLAP", "chars",
                     "Chunk overlap in characters (default 150).", &Settings::chunkOverlap, 0,
                     50000, tr("Chunk overlap (chars)")),
        choiceOption("ocr", "OCR", "mode",
                     "OCR of scanned PDF pages and images: auto (default) or off.",
                     {QStringLiteral("auto"), QStringLiteral("off")}, &Settings::ocr),
        ocrLangsOption(),
        choiceOption("system-service", "SYSTEM_SERVICE", "mode",
                     "Refuse the development keys as a system service: auto (default: when "
                     "systemd started the program), yes or no.",
                     {QStringLiteral("auto"), QStringLiteral("yes"), QStringLiteral("no")},
                     &Settings::systemService),
        choiceOption("log-format", "LOG_FORMAT", "format",
                     "Log lines: text (default; UTC times) or json (one object a line, with "
                     "job_id and worker).",
                     {QStringLiteral("text"), QStringLiteral("json")}, &Settings::logFormat),
    };
}

} // namespace

QString completeSettings(Settings &settings)
{
    if (settings.databasePath.isEmpty())
        settings.databasePath = QDir(settings.dataDir).filePath(QStringLiteral("knowledge.db"));
    if (settings.embedProvider == QLatin1String("openai") && settings.embedModel.isEmpty())
        return QStringLiteral("EMBED_MODEL is required for the openai provider");
    if (settings.chunkOverlap * 2 > settings.chunkSize)
        return QStringLiteral("CHUNK_OVERLAP must be at most half of CHUNK_SIZE");
    return {};
}

const QList<SettingOption> &settingOptions()
{
    static const QList<SettingOption> options = buildOptions();
    return options;
}

const SettingOption *findSettingOption(QStringView env)
{
    for (const SettingOption &option : settingOptions()) {
        if (env == QLatin1String(option.env))
            return &option;
    }
    return nullptr;
}

} // namespace aether
