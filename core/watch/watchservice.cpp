#include "watch/watchservice.h"

#include "queue/jobqueue.h"
#include "store/documentmetadata.h"
#include "watch/watchregistry.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

namespace aether {

namespace {

Q_LOGGING_CATEGORY(lcWatch, "aether.watch")

constexpr int kMaxJobsPerPipeline = 64;

} // namespace

WatchService::WatchService(WatchServiceOptions options, QObject *parent)
    : QObject(parent), m_options(std::move(options)),
      m_fence(std::make_shared<const WatchFence>(m_options.fence)), m_reload(this)
{
    qRegisterMetaType<aether::WatchedFolder>();
    qRegisterMetaType<aether::WatchState>();
    m_reload.setInterval(m_options.reloadMs);
    connect(&m_reload, &QTimer::timeout, this, &WatchService::reload);
}

WatchService::~WatchService() = default;

void WatchService::start()
{
    m_queue = std::make_unique<JobQueue>(m_options.redis, m_options.indexRetentionMs);
    m_queue->setJobTtls(m_options.resultTtlSec, m_options.failureTtlSec);
    m_reload.start();
    reload();
}

KnowledgeStore &WatchService::store()
{
    if (!m_store) {
        m_store = std::make_unique<KnowledgeStore>(m_options.databasePath);
        m_store->open(m_options.embedder);
    }
    return *m_store;
}

void WatchService::reload()
{
    try {
        WatchRegistry registry(m_queue->connection());
        std::map<QByteArray, WatchedFolder> wanted;
        for (const WatchRegistry::Entry &entry : registry.list())
            wanted.emplace(entry.folder.id, entry.folder);
        for (auto it = m_watchers.begin(); it != m_watchers.end();) {
            if (wanted.count(it->first) == 0) {
                qCInfo(lcWatch, "stopped watching %s", qPrintable(it->second->folder().path));
                const auto next = std::next(it);
                dropWatch(it);
                it = next;
            } else {
                ++it;
            }
        }
        for (const auto &[id, folder] : wanted) {
            if (m_watchers.count(id) == 0)
                startWatch(folder, registry);
        }
    } catch (const RedisUnavailable &error) {
        qCWarning(lcWatch, "watched folders wait for Redis: %s", error.what());
    }
}

void WatchService::dropWatch(std::map<QByteArray, FolderWatcher *>::iterator it)
{
    {
        const QMutexLocker lock(&m_stopFlagsLock);
        m_stopFlags.remove(it->first);
    }
    delete it->second;
    m_watchers.erase(it);
}

void WatchService::stopScan(const QByteArray &id)
{
    const QMutexLocker lock(&m_stopFlagsLock);
    if (const std::shared_ptr<std::atomic<bool>> flag = m_stopFlags.value(id))
        flag->store(true);
}

void WatchService::addWatch(const WatchedFolder &folder)
{
    WatchedFolder added = folder;
    added.byOperator = true;
    if (added.id.isEmpty())
        added.id = WatchRegistry::newId();
    if (added.patterns.isEmpty())
        added.patterns = WatchedFolder::defaultPatterns();
    try {
        WatchRegistry(m_queue->connection()).add(added);
    } catch (const RedisUnavailable &error) {
        Q_EMIT watchFailed(error.message());
        return;
    }
    reload();
    Q_EMIT watchAdded(added);
}

void WatchService::removeWatch(const QByteArray &id)
{
    try {
        WatchRegistry(m_queue->connection()).remove(id);
        stopScan(id);
    } catch (const RedisUnavailable &error) {
        Q_EMIT watchFailed(error.message());
        return;
    }
    reload();
    Q_EMIT watchRemoved(id);
}

void WatchService::rescan(const QByteArray &id)
{
    const auto it = m_watchers.find(id);
    if (it == m_watchers.end()) {
        reload();
        return;
    }
    qCInfo(lcWatch, "%s: rescan requested", qPrintable(it->second->folder().path));
    it->second->requestScan();
}

void WatchService::startWatch(const WatchedFolder &folder, WatchRegistry &registry)
{
    auto *watcher = new FolderWatcher(folder, registry.knownHashes(folder.id), m_options.rescanMs,
                                      folder.byOperator ? nullptr : m_fence, this);
    m_watchers.emplace(folder.id, watcher);
    {
        const QMutexLocker lock(&m_stopFlagsLock);
        m_stopFlags.insert(folder.id, watcher->stopFlag());
    }
    connect(watcher, &FolderWatcher::filesChanged, this,
            [this, watcher](const QList<FileChange> &changes) { queueFiles(watcher, changes); });
    connect(watcher, &FolderWatcher::filesRemoved, this,
            [this, watcher](const QStringList &paths) { removeFiles(watcher, paths); });
    connect(watcher, &FolderWatcher::scanned, this,
            [this, watcher](const WatchState &state) { recordScan(watcher, state); });
    qCInfo(lcWatch, "watching %s as source %s", qPrintable(folder.path), qPrintable(folder.source));
    watcher->start();
}

// The watch's metadata with the file's sidecar over it. A sidecar that is not
// a flat JSON object within the limits skips its file (the watch's
// last_error says why) until it is fixed; the watch goes on.
QByteArray WatchService::fileMetadata(const WatchedFolder &folder, const QString &path,
                                      QString *error)
{
    QJsonObject merged = QJsonDocument::fromJson(folder.metadata).object();
    QFile sidecar(WatchedFolder::sidecarOf(path));
    // A sidecar is read as a plain file of the folder only: a symlink could
    // lead to any JSON file this process can read, and show it as metadata.
    if (QFileInfo(sidecar).isSymLink()) {
        *error = QStringLiteral("skipped %1: %2 is a symbolic link (sidecars must be plain files)")
                     .arg(QFileInfo(path).fileName(), QFileInfo(sidecar).fileName());
        return {};
    }
    if (sidecar.open(QIODevice::ReadOnly)) {
        const QByteArray bytes = sidecar.read(4 * metadata::kMaxBytes + 1);
        QJsonParseError parse{};
        const QJsonDocument document = QJsonDocument::fromJson(bytes, &parse);
        QString problem = !document.isObject() ? QStringLiteral("not a JSON object")
                                               : metadata::problem(document.object());
        if (!problem.isEmpty()) {
            *error = QStringLiteral("skipped %1: %2: %3")
                         .arg(QFileInfo(path).fileName(), QFileInfo(sidecar).fileName(), problem);
            return {};
        }
        const QJsonObject own = document.object();
        for (auto it = own.begin(); it != own.end(); ++it)
            merged.insert(it.key(), it.value());
        if (const QString tooMuch = metadata::problem(merged); !tooMuch.isEmpty()) {
            *error = QStringLiteral("skipped %1: %2").arg(QFileInfo(path).fileName(), tooMuch);
            return {};
        }
    }
    return merged.isEmpty() ? QByteArray() : QJsonDocument(merged).toJson(QJsonDocument::Compact);
}

void WatchService::queueFiles(FolderWatcher *watcher, const QList<FileChange> &changes)
{
    const WatchedFolder &folder = watcher->folder();
    for (qsizetype start = 0; start < changes.size(); start += kMaxJobsPerPipeline) {
        if (!stillWatched(watcher))
            return;
        QList<JobRequest> requests;
        QList<const FileChange *> taken;
        for (qsizetype i = start; i < qMin(changes.size(), start + kMaxJobsPerPipeline); ++i) {
            const FileChange &change = changes[i];
            QFile file(change.absolutePath);
            if (file.size() > m_options.maxFileBytes || !file.open(QIODevice::ReadOnly)) {
                m_pendingError = QStringLiteral("skipped %1: unreadable or larger than the "
                                                "upload limit")
                                     .arg(change.relativePath);
                continue;
            }
            QString sidecarError;
            const QByteArray metadata = fileMetadata(folder, change.absolutePath, &sidecarError);
            if (!sidecarError.isEmpty()) {
                m_pendingError = sidecarError;
                continue;
            }
            JobRequest request;
            request.type = JobType::File;
            request.tenant = folder.tenant;
            request.source = folder.source;
            request.metadata = metadata;
            request.fileName = change.relativePath;
            request.fileBytes = file.readAll();
            request.timeoutSec = m_options.jobTimeoutSec;
            requests.append(std::move(request));
            taken.append(&change);
        }
        try {
            if (!requests.isEmpty())
                m_queue->enqueueBatch(requests);
            WatchRegistry registry(m_queue->connection());
            for (const FileChange *change : taken)
                registry.setHash(folder.id, change->relativePath, change->contentHash);
            qCInfo(lcWatch, "%s: queued %lld changed files", qPrintable(folder.path),
                   qint64(taken.size()));
        } catch (const RedisUnavailable &error) {
            m_pendingError = QStringLiteral("queueing failed: ") + error.message();
            for (const FileChange *change : taken)
                watcher->forget(change->relativePath); // the next scan tries again
        }
    }
}

bool WatchService::stillWatched(FolderWatcher *watcher)
{
    if (watcher->stopRequested())
        return false;
    try {
        // Removed by another process's route: its stop flag is not ours to see.
        if (WatchRegistry(m_queue->connection()).contains(watcher->folder().id))
            return true;
    } catch (const RedisUnavailable &) {
        return true; // the enqueue meets the same error and reports it
    }
    watcher->stopFlag()->store(true);
    return false;
}

void WatchService::removeFiles(FolderWatcher *watcher, const QStringList &paths)
{
    const WatchedFolder &folder = watcher->folder();
    try {
        WatchRegistry registry(m_queue->connection());
        for (const QString &path : paths) {
            const QString identity = QString(QStringLiteral("file:") + folder.source + u'/' + path);
            if (const std::optional<StoredDocument> document =
                    store().find(folder.tenant, identity))
                store().deleteDocument(folder.tenant, document->id);
            registry.removeHash(folder.id, path);
        }
        qCInfo(lcWatch, "%s: removed %lld deleted files", qPrintable(folder.path),
               qint64(paths.size()));
    } catch (const RedisUnavailable &error) {
        m_pendingError = QStringLiteral("removal failed: ") + error.message();
    } catch (const StoreError &error) {
        m_pendingError = QStringLiteral("removal failed: ") + QString::fromLocal8Bit(error.what());
    }
}

void WatchService::recordScan(FolderWatcher *watcher, const WatchState &scanned)
{
    WatchState state = scanned;
    if (state.lastError.isEmpty())
        state.lastError = std::exchange(m_pendingError, QString());
    m_pendingError.clear();
    try {
        WatchRegistry(m_queue->connection()).recordState(watcher->folder().id, state);
    } catch (const RedisUnavailable &) {
        // The next scan records its state.
    }
    Q_EMIT watchScanned(watcher->folder().id, state);
}

} // namespace aether
