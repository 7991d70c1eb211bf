#include "common/liveservices.h"

#include "notify/webhookdispatcher.h"
#include "queue/eventfeed.h"
#include "queue/refreshscheduler.h"
#include "server/batchroutes.h"
#include "server/crawlroutes.h"
#include "server/eventroutes.h"
#include "server/inputvalidation.h"
#include "server/refreshroutes.h"
#include "server/watchroutes.h"
#include "server/webhookbodies.h"
#include "watch/watchservice.h"

#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QThread>

namespace aether {

namespace {

Q_LOGGING_CATEGORY(lcLive, "aether.service")

// WATCH_FOLDERS: "/abs/path|source|*.md *.pdf,..." (source and patterns optional).
QList<WatchedFolder> settingsWatches(const QString &list)
{
    QList<WatchedFolder> folders;
    for (const QString &entry : list.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QStringList fields = entry.split(QLatin1Char('|'));
        WatchedFolder folder;
        folder.path = fields.value(0).trimmed();
        folder.source = fields.value(1).trimmed();
        if (folder.source.isEmpty())
            folder.source = QFileInfo(folder.path).fileName();
        folder.patterns = fields.value(2).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (folder.patterns.isEmpty())
            folder.patterns = WatchedFolder::defaultPatterns();
        folder.origin = QStringLiteral("settings");
        folder.id = WatchRegistry::settingsId(folder.path, folder.source);
        folders.append(folder);
    }
    return folders;
}

// The folder holding `file` (empty for no file: not the working folder).
QString folderOf(const QString &file)
{
    return file.isEmpty() ? QString() : QFileInfo(file).absolutePath();
}

} // namespace

LiveServices::LiveServices(const Settings &settings, RedisUrl redis, EmbedderInfo embedder)
    : m_settings(settings), m_redis(std::move(redis)), m_embedder(std::move(embedder))
{}

LiveServices::~LiveServices()
{
    if (m_watchThread) {
        QMetaObject::invokeMethod(
            m_watches, [this] { delete m_watches; }, Qt::BlockingQueuedConnection);
        m_watchThread->quit();
        m_watchThread->wait();
        delete m_watchThread;
    }
    if (m_dispatcher)
        m_dispatcher->requestStop();
    if (m_feed)
        m_feed->requestStop();
    m_eventRoutes.reset();
    m_dispatcher.reset(); // waits for the thread (at most one attempt's timeout)
    m_feed.reset();
}

bool LiveServices::configure(QString *error)
{
    const std::optional<WatchRoots> roots =
        WatchRoots::parse(m_settings.watchRoots.value_or(QString()), error);
    if (!roots)
        return false;
    // A tenant's watch reads none of the program's own folders: keys in the
    // settings, private Redis files in the data folder, the store.
    m_watchFence = WatchFence(*roots, {folderOf(m_settings.configFile), m_settings.dataDir,
                                       folderOf(m_settings.databasePath)});
    for (const WatchedFolder &folder : settingsWatches(m_settings.watchFolders)) {
        if (!QDir::isAbsolutePath(folder.path)) {
            *error = QStringLiteral("WATCH_FOLDERS: '%1' is not an absolute path").arg(folder.path);
            return false;
        }
    }
    return m_webhooks.parse(m_settings.webhookUrls, m_settings.webhookSecrets,
                            m_settings.webhookSecret, error) &&
           checkDefaultWebhooks(m_settings, error);
}

// A key's default webhook is checked once here, as a request's own webhook_url
// is checked at submit: a bad one is a setting to fix, not a 422 for callers.
bool LiveServices::checkDefaultWebhooks(const Settings &settings, QString *error)
{
    const PrivateAccess allowPrivate(settings.urlAllowPrivate, settings.urlAllowHosts);
    for (const QString &entry : settings.webhookUrls.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        try {
            input::validUrl(entry.mid(entry.indexOf(QLatin1Char('=')) + 1).trimmed(), allowPrivate,
                            QStringLiteral("webhook_url"));
        } catch (const ApiError &refused) {
            // The message never repeats the URL or the key (it would echo secrets).
            *error = QStringLiteral("WEBHOOK_URLS: a key's default webhook is refused: %1")
                         .arg(QString(refused.message)
                                  .replace(QStringLiteral("field 'webhook_url'"),
                                           QStringLiteral("the URL")));
            return false;
        }
    }
    return true;
}

// Settings watches are (re)registered at every start under a stable id, so
// their file hashes survive restarts; those no longer in the settings go.
bool LiveServices::registerSettingsWatches(JobQueue &queue)
{
    try {
        WatchRegistry registry(queue.connection());
        QList<QByteArray> current;
        for (const WatchedFolder &folder : settingsWatches(m_settings.watchFolders)) {
            registry.add(folder);
            current.append(folder.id);
        }
        // A folder taken out of the settings is no longer watched.
        for (const WatchRegistry::Entry &entry : registry.list()) {
            if (entry.folder.origin == QLatin1String("settings") &&
                !current.contains(entry.folder.id))
                registry.remove(entry.folder.id);
        }
    } catch (const RedisUnavailable &error) {
        qCWarning(lcLive, "watched folders from the settings not registered: %s", error.what());
        return false;
    }
    return true;
}

void LiveServices::registerOn(Router &router, JobQueue &queue, JobAdmin &admin,
                              const IngestLimits &limits)
{
    // A finished batch is kept as long as its longest-kept member.
    const int batchTtl = qMax(m_settings.resultTtlSec, m_settings.failureTtlSec);
    m_batchRoutes = std::make_unique<BatchRoutes>(queue, admin, limits, m_webhooks, batchTtl);
    m_batchRoutes->registerOn(router);
    m_feed = std::make_unique<EventFeed>(m_redis);
    m_eventRoutes = std::make_unique<EventRoutes>(queue, *m_feed);
    m_eventRoutes->registerOn(router);
    registerSettingsWatches(queue);
    WatchRoutes::Hooks hooks;
    hooks.changed = [this] {
        if (m_watches)
            QMetaObject::invokeMethod(m_watches, &WatchService::reload, Qt::QueuedConnection);
    };
    hooks.stopScan = [this](const QByteArray &id) {
        if (m_watches)
            m_watches->stopScan(id); // direct: the watch thread may be busy with that very scan
    };
    hooks.rescan = [this](const QByteArray &id) {
        if (m_watches)
            QMetaObject::invokeMethod(
                m_watches, [watches = m_watches, id] { watches->rescan(id); },
                Qt::QueuedConnection);
    };
    m_watchRoutes = std::make_unique<WatchRoutes>(queue, m_watchFence, std::move(hooks));
    m_watchRoutes->registerOn(router);
    m_refreshRoutes = std::make_unique<RefreshRoutes>(queue);
    m_refreshRoutes->registerOn(router);
    m_crawlRoutes = std::make_unique<CrawlRoutes>(queue, admin, limits, m_settings.crawlDelayMs);
    m_crawlRoutes->registerOn(router);
}

void LiveServices::start()
{
    m_feed->start();
    WebhookOptions options;
    options.allowPrivate = PrivateAccess(m_settings.urlAllowPrivate, m_settings.urlAllowHosts);
    options.backoff.baseMs = m_settings.webhookRetryBaseMs;
    m_dispatcher = std::make_unique<WebhookDispatcher>(m_redis, m_webhooks, options, &webhookBody);
    m_dispatcher->start();
    startWatches();
    m_refreshScheduler = std::make_unique<RefreshScheduler>(m_redis);
    m_refreshScheduler->start();
}

void LiveServices::startWatches()
{
    WatchServiceOptions options;
    options.redis = m_redis;
    options.databasePath = m_settings.databasePath;
    options.embedder = m_embedder;
    options.rescanMs = m_settings.watchRescanSec * 1000;
    options.maxFileBytes = m_settings.maxUploadBytes();
    options.jobTimeoutSec = m_settings.jobTimeoutSec;
    options.resultTtlSec = m_settings.resultTtlSec;
    options.failureTtlSec = m_settings.failureTtlSec;
    options.fence = m_watchFence;
    m_watchThread = new QThread;
    m_watchThread->setObjectName(QStringLiteral("watch"));
    m_watches = new WatchService(options);
    m_watches->moveToThread(m_watchThread);
    QObject::connect(m_watchThread, &QThread::started, m_watches, &WatchService::start);
    m_watchThread->start();
}

} // namespace aether
