#include "config/settingsloader.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QHostAddress>
#include <QSettings>
#include <QThread>
#include <functional>

namespace aether {

namespace {

// One setting as a flag, an environment variable and a settings-file key (the
// file uses the environment names, so one vocabulary serves both).
struct OptionSpec
{
    const char *flag;
    const char *env;
    const char *valueName;
    const char *help;
};

constexpr OptionSpec kOptions[] = {
    {"host", "AETHER_HOST", "address", "Listen address (default 127.0.0.1)."},
    {"port", "AETHER_PORT", "port", "Listen port (default 8000)."},
    {"redis-url", "REDIS_URL", "url",
     "Redis: redis://[:pw@]host:port/db or unix:///path.sock. Unset: a private redis-server."},
    {"database-url", "DATABASE_URL", "url",
     "Store: sqlite:///abs/path.db (default <data dir>/knowledge.db)."},
    {"data-dir", "AETHER_DATA_DIR", "dir", "App data directory (private Redis, default store)."},
    {"embed-provider", "EMBED_PROVIDER", "name",
     "Embedder: hash (default, offline), openai (any OpenAI-compatible /v1/embeddings) or "
     "ollama."},
    {"embed-model", "EMBED_MODEL", "name",
     "Embedding model name (required for openai; ollama: nomic-embed-text)."},
    {"embed-base-url", "EMBED_BASE_URL", "url",
     "Embedding service base URL (default https://api.openai.com or http://127.0.0.1:11434)."},
    {"embed-api-key", "EMBED_API_KEY", "key", "Embedding service API key (sent as Bearer)."},
    {"embed-batch-size", "EMBED_BATCH_SIZE", "n",
     "Texts per request to the embedding service, 1 to 2048 (default 64)."},
    {"embed-timeout", "EMBED_TIMEOUT", "seconds",
     "Longest wait for one answer of the embedding service (default 60)."},
    {"workers", "WORKERS", "n", "Worker threads; 0 = server only (default: number of cores)."},
    {"api-keys", "API_KEYS", "list",
     "API keys: key:role[:tenant],... (default: dev keys, loopback only)."},
    {"admin-key", "ADMIN_KEY", "key", "Admin key accepted in x-admin-key on /ops/*."},
    {"job-timeout", "JOB_TIMEOUT", "seconds", "Longest a job may run (default 600)."},
    {"result-ttl", "RESULT_TTL", "seconds", "How long finished jobs are kept (default 500)."},
    {"failure-ttl", "FAILURE_TTL", "seconds", "How long failed jobs are kept (default 7 days)."},
    {"max-upload-mb", "MAX_UPLOAD_MB", "MB", "Largest request body (default 100)."},
    {"max-inflight-mb", "MAX_INFLIGHT_MB", "MB",
     "Request bodies being received at once, all together; more get 503 (default 256)."},
    {"allowed-hosts", "ALLOWED_HOSTS", "list",
     "Host names the API answers besides its own address: name,... (DNS-rebinding guard)."},
    {"http-idle-timeout", "HTTP_IDLE_TIMEOUT", "seconds",
     "Idle connections are closed, and request headers must arrive, within this (default 60)."},
    {"auth-max-failures", "AUTH_MAX_FAILURES", "n",
     "Wrong API keys from one address before it is banned; 0 = never (default 5)."},
    {"auth-ban-seconds", "AUTH_BAN_SECONDS", "seconds",
     "How long an address is refused after too many wrong keys (default 600)."},
    {"url-allow-private", "URL_ALLOW_PRIVATE", "0|1",
     "1 lets URL jobs reach loopback and private addresses (default 0)."},
    {"url-allow-hosts", "URL_ALLOW_HOSTS", "list",
     "Private hosts URL jobs and webhooks may reach anyway: name,... (e.g. an intranet wiki)."},
    {"url-allow-credentials", "URL_ALLOW_CREDENTIALS", "0|1",
     "1 lets URL jobs carry user:password@; used for the fetch, never stored or shown "
     "(default 0)."},
    {"retry-backoff-ms", "RETRY_BACKOFF_MS", "ms",
     "First retry delay after a transient failure; doubles per attempt (default 2000)."},
    {"shutdown-grace", "SHUTDOWN_GRACE", "seconds",
     "On SIGTERM, how long running jobs may finish before they are handed back (default 30)."},
    {"webhook-urls", "WEBHOOK_URLS", "list",
     "Default webhook per API key: key=url,... (jobs and batches of that key)."},
    {"webhook-secrets", "WEBHOOK_SECRETS", "list",
     "Webhook signing secret per API key: key=secret,..."},
    {"webhook-secret", "WEBHOOK_SECRET", "secret",
     "Webhook signing secret for keys without their own (X-Aether-Signature)."},
    {"webhook-retry-base-ms", "WEBHOOK_RETRY_BASE_MS", "ms",
     "First webhook retry delay; doubles per attempt, for up to an hour (default 1000)."},
    {"watch-folders", "WATCH_FOLDERS", "list",
     "Folders kept in sync: /abs/path|source|*.md *.pdf,... (patterns optional)."},
    {"watch-roots", "WATCH_ROOTS", "list",
     "Folders API watches may lie under: /abs/dir (every tenant) or tenant=/abs/dir,... "
     "(default: the home folder for aether-ingest, none for aether-ingestd)."},
    {"watch-rescan", "WATCH_RESCAN", "seconds",
     "How often watched folders are rescanned besides change notifications (default 30)."},
    {"chunk-size", "CHUNK_SIZE", "chars", "Chunk size in characters (default 1000)."},
    {"chunk-overlap", "CHUNK_OVERLAP", "chars", "Chunk overlap in characters (default 150)."},
};

class SettingSources
{
public:
    SettingSources(const QCommandLineParser &parser, const QProcessEnvironment &environment,
                   const QSettings *file)
        : m_parser(parser), m_environment(environment), m_file(file)
    {}

    // Flag beats environment beats settings file; nullopt when none sets it.
    std::optional<QString> value(const OptionSpec &spec) const
    {
        const QString flag = QString::fromLatin1(spec.flag);
        if (m_parser.isSet(flag))
            return m_parser.value(flag);
        const QString env = QString::fromLatin1(spec.env);
        if (m_environment.contains(env))
            return m_environment.value(env);
        if (m_file && m_file->contains(env))
            return m_file->value(env).toString();
        return std::nullopt;
    }

private:
    const QCommandLineParser &m_parser;
    const QProcessEnvironment &m_environment;
    const QSettings *m_file;
};

const OptionSpec &spec(const char *flag)
{
    for (const OptionSpec &option : kOptions) {
        if (qstrcmp(option.flag, flag) == 0)
            return option;
    }
    Q_UNREACHABLE();
}

class SettingsBuilder
{
public:
    explicit SettingsBuilder(const SettingSources &sources) : m_sources(sources) {}

    void text(const char *flag, QString *target)
    {
        if (const auto value = m_sources.value(spec(flag)))
            *target = value->trimmed();
    }

    void number(const char *flag, int *target, int minimum, int maximum)
    {
        const auto value = m_sources.value(spec(flag));
        if (!value)
            return;
        bool ok = false;
        const int parsed = value->trimmed().toInt(&ok);
        if (!ok || parsed < minimum || parsed > maximum) {
            fail(QStringLiteral("%1 must be a whole number from %2 to %3, not '%4'")
                     .arg(QString::fromLatin1(spec(flag).env))
                     .arg(minimum)
                     .arg(maximum)
                     .arg(*value));
            return;
        }
        *target = parsed;
    }

    void flag(const char *flag, bool *target)
    {
        const auto value = m_sources.value(spec(flag));
        if (!value)
            return;
        const QString v = value->trimmed().toLower();
        if (v == QLatin1String("1") || v == QLatin1String("true") || v == QLatin1String("yes"))
            *target = true;
        else if (v == QLatin1String("0") || v == QLatin1String("false") ||
                 v == QLatin1String("no") || v.isEmpty())
            *target = false;
        else
            fail(QStringLiteral("%1 must be 0 or 1, not '%2'")
                     .arg(QString::fromLatin1(spec(flag).env), *value));
    }

    std::optional<QString> raw(const char *flag) const { return m_sources.value(spec(flag)); }

    void fail(const QString &message)
    {
        if (m_error.isEmpty())
            m_error = message;
    }
    const QString &error() const { return m_error; }

private:
    const SettingSources &m_sources;
    QString m_error;
};

void readRedis(SettingsBuilder &builder, Settings &settings)
{
    const auto value = builder.raw("redis-url");
    if (!value || value->trimmed().isEmpty())
        return;
    QString error;
    settings.redis = RedisUrl::parse(*value, &error);
    if (!settings.redis)
        builder.fail(error);
}

void readDatabase(SettingsBuilder &builder, Settings &settings)
{
    const auto value = builder.raw("database-url");
    if (!value || value->trimmed().isEmpty()) {
        settings.databasePath = QDir(settings.dataDir).filePath(QStringLiteral("knowledge.db"));
        return;
    }
    const QString prefix = QStringLiteral("sqlite:///");
    const QString url = value->trimmed();
    if (!url.startsWith(prefix)) {
        builder.fail(
            QStringLiteral("DATABASE_URL must look like sqlite:///absolute/path.db, not '%1'")
                .arg(url));
        return;
    }
    // sqlite:////abs/path (four slashes) and sqlite:///abs/path both mean /abs/path.
    QString path = url.mid(prefix.size());
    if (!path.startsWith(QLatin1Char('/')))
        path.prepend(QLatin1Char('/'));
    settings.databasePath = QDir::cleanPath(path);
}

void readNetwork(SettingsBuilder &builder, Settings &settings)
{
    builder.text("host", &settings.host);
    if (QHostAddress(settings.host).isNull() && settings.host != QLatin1String("localhost"))
        builder.fail(QStringLiteral("AETHER_HOST must be an IP address or localhost, not '%1'")
                         .arg(settings.host));
    int port = settings.port;
    builder.number("port", &port, 1, 65535);
    settings.port = quint16(port);
}

void readEmbedder(SettingsBuilder &builder, Settings &settings)
{
    builder.text("embed-provider", &settings.embedProvider);
    settings.embedProvider = settings.embedProvider.toLower();
    builder.text("embed-model", &settings.embedModel);
    builder.text("embed-base-url", &settings.embedBaseUrl);
    builder.text("embed-api-key", &settings.embedApiKey);
    builder.number("embed-batch-size", &settings.embedBatchSize, 1, 2048);
    builder.number("embed-timeout", &settings.embedTimeoutSec, 1, 3600);
    const QStringList providers = {QStringLiteral("hash"), QStringLiteral("openai"),
                                   QStringLiteral("ollama")};
    if (!providers.contains(settings.embedProvider)) {
        builder.fail(QStringLiteral("EMBED_PROVIDER must be one of %1, not '%2'")
                         .arg(providers.join(QStringLiteral(", ")), settings.embedProvider));
    }
    if (settings.embedProvider == QLatin1String("openai") && settings.embedModel.isEmpty())
        builder.fail(QStringLiteral("EMBED_MODEL is required for the openai provider"));
}

void readLimits(SettingsBuilder &builder, Settings &settings)
{
    builder.number("workers", &settings.workers, 0, 256);
    builder.number("job-timeout", &settings.jobTimeoutSec, 1, 7 * 24 * 3600);
    builder.number("result-ttl", &settings.resultTtlSec, 1, 365 * 24 * 3600);
    builder.number("failure-ttl", &settings.failureTtlSec, 1, 365 * 24 * 3600);
    builder.number("max-upload-mb", &settings.maxUploadMb, 1, 4096);
    builder.number("max-inflight-mb", &settings.maxInflightMb, 1, 65536);
    builder.flag("url-allow-private", &settings.urlAllowPrivate);
    builder.text("url-allow-hosts", &settings.urlAllowHosts);
    builder.flag("url-allow-credentials", &settings.urlAllowCredentials);
    builder.text("allowed-hosts", &settings.allowedHosts);
    builder.number("http-idle-timeout", &settings.httpIdleTimeoutSec, 1, 24 * 3600);
    builder.number("auth-max-failures", &settings.authMaxFailures, 0, 1000000);
    builder.number("auth-ban-seconds", &settings.authBanSec, 1, 7 * 24 * 3600);
    builder.number("retry-backoff-ms", &settings.retryBackoffMs, 1, 3600 * 1000);
    builder.number("shutdown-grace", &settings.shutdownGraceSec, 0, 3600);
    builder.number("chunk-size", &settings.chunkSize, 50, 100000);
    builder.number("chunk-overlap", &settings.chunkOverlap, 0, 50000);
    builder.text("webhook-urls", &settings.webhookUrls);
    builder.text("webhook-secrets", &settings.webhookSecrets);
    builder.text("webhook-secret", &settings.webhookSecret);
    builder.number("webhook-retry-base-ms", &settings.webhookRetryBaseMs, 1, 600 * 1000);
    builder.text("watch-folders", &settings.watchFolders);
    if (const auto roots = builder.raw("watch-roots"))
        settings.watchRoots = roots->trimmed();
    builder.number("watch-rescan", &settings.watchRescanSec, 1, 24 * 3600);
    if (settings.chunkOverlap * 2 > settings.chunkSize)
        builder.fail(QStringLiteral("CHUNK_OVERLAP must be at most half of CHUNK_SIZE"));
}

void addOptions(QCommandLineParser &parser)
{
    for (const OptionSpec &option : kOptions) {
        parser.addOption(QCommandLineOption(QString::fromLatin1(option.flag),
                                            QString::fromLatin1(option.help) +
                                                QStringLiteral(" [env ") +
                                                QString::fromLatin1(option.env) + QLatin1Char(']'),
                                            QString::fromLatin1(option.valueName)));
    }
    parser.addOption(
        QCommandLineOption(QStringLiteral("no-server"),
                           QStringLiteral("Run workers only, no REST server (scale-out).")));
    parser.addOption(
        QCommandLineOption(QStringLiteral("config"),
                           QStringLiteral("Settings file (INI, keys named like the environment "
                                          "variables). [env AETHER_CONFIG]"),
                           QStringLiteral("file")));
}

} // namespace

bool Settings::listensOnLoopbackOnly() const
{
    return host == QLatin1String("localhost") || QHostAddress(host).isLoopback();
}

SettingsLoader::Result SettingsLoader::load(const QStringList &arguments,
                                            const QProcessEnvironment &environment,
                                            const QString &programDescription,
                                            const QString &defaultDataDir,
                                            const QString &defaultConfigFile)
{
    Result result;
    QCommandLineParser parser;
    parser.setApplicationDescription(programDescription);
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    addOptions(parser);
    if (!parser.parse(arguments)) {
        result.message = parser.errorText();
        return result;
    }
    // addHelpOption() also accepts --help-all (help with Qt's own options),
    // which only QCommandLineParser::process() acts on: it must not start the service.
    if (parser.isSet(helpOption) || parser.isSet(QStringLiteral("help-all"))) {
        result.outcome = Outcome::ShowHelp;
        result.message = parser.helpText();
        return result;
    }
    if (parser.isSet(versionOption)) {
        result.outcome = Outcome::ShowVersion;
        result.message = QStringLiteral(AETHER_VERSION);
        return result;
    }
    if (!parser.positionalArguments().isEmpty()) {
        result.message =
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first());
        return result;
    }

    QString configFile = parser.value(QStringLiteral("config"));
    if (configFile.isEmpty())
        configFile = environment.value(QStringLiteral("AETHER_CONFIG"));
    const bool explicitConfig = !configFile.isEmpty();
    if (!explicitConfig)
        configFile = defaultConfigFile;
    if (explicitConfig && !QFileInfo::exists(configFile)) {
        result.message = QStringLiteral("settings file %1 does not exist").arg(configFile);
        return result;
    }
    std::optional<QSettings> file;
    if (!configFile.isEmpty() && QFileInfo::exists(configFile))
        file.emplace(configFile, QSettings::IniFormat);

    Settings &settings = result.settings;
    settings.workers = qMax(1, QThread::idealThreadCount());
    settings.dataDir = defaultDataDir;
    settings.configFile = configFile;
    settings.noServer = parser.isSet(QStringLiteral("no-server"));

    const SettingSources sources(parser, environment, file ? &*file : nullptr);
    SettingsBuilder builder(sources);
    builder.text("data-dir", &settings.dataDir);
    readNetwork(builder, settings);
    readRedis(builder, settings);
    readDatabase(builder, settings);
    readEmbedder(builder, settings);
    builder.text("api-keys", &settings.apiKeys);
    builder.text("admin-key", &settings.adminKey);
    readLimits(builder, settings);

    if (!builder.error().isEmpty()) {
        result.message = builder.error();
        return result;
    }
    result.outcome = Outcome::Run;
    return result;
}

} // namespace aether
