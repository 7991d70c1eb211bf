#pragma once

#include "config/redisurl.h"
#include "store/knowledgestore.h"
#include "watch/folderwatcher.h"
#include "watch/watchfence.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QTimer>
#include <atomic>
#include <map>
#include <memory>

namespace aether {

class JobQueue;
class WatchRegistry;

struct WatchServiceOptions
{
    RedisUrl redis;
    QString databasePath;
    EmbedderInfo embedder;
    int rescanMs = 30000;
    int reloadMs = 5000; // how often the registry is re-read (watches added elsewhere)
    qint64 maxFileBytes = 100LL * 1024 * 1024;
    int jobTimeoutSec = 600;
    qint64 indexRetentionMs = 8LL * 24 * 3600 * 1000;
    int resultTtlSec = 500;            // written into each job (RQ's result_ttl)
    int failureTtlSec = 7 * 24 * 3600; // RQ's failure_ttl
    WatchFence fence;                  // what the watches no operator made may read, at each scan
};

// Runs the watched folders of the registry (WatchRegistry) on the thread it
// lives on, with its own Redis connection and store connection: a
// FolderWatcher per watch; changed files are queued as file jobs in one
// pipeline per scan (the store replaces the earlier version of the same
// source + file name), deleted files have their documents removed, and each
// scan's state is recorded in the registry. reload() (queued from any thread)
// picks up watches added or removed; stopScan() (direct, from any thread)
// ends a removed watch's scan at once, even while this thread is busy with
// it. A scan also stops queueing when its watch left the registry (removed by
// another process), checked before each pipeline of jobs.
class WatchService : public QObject
{
    Q_OBJECT

public:
    explicit WatchService(WatchServiceOptions options, QObject *parent = nullptr);
    ~WatchService() override;

    void start(); // call on the service's thread
    void reload();
    // Thread-safe: the scan of this watch, if one runs, stops at the next file
    // or batch, and the watch scans no more. Call after removing it from the registry.
    void stopScan(const QByteArray &id);

    // For the desktop app (call queued from the GUI thread, which must not
    // wait on Redis): register or drop a watch and apply it at once. The
    // window's user is the operator: their watches are not fenced. The
    // outcome comes back as watchAdded / watchRemoved / watchFailed.
    Q_INVOKABLE void addWatch(const aether::WatchedFolder &folder);
    Q_INVOKABLE void removeWatch(const QByteArray &id);
    // "Rescan now" (call queued from any thread): a full scan of this watch
    // within the debounce (requests that come faster are merged) instead of at
    // the next periodic rescan. A watch this service has
    // not started yet (added by another process) is picked up by a reload,
    // which scans it as it starts.
    Q_INVOKABLE void rescan(const QByteArray &id);

Q_SIGNALS:
    void watchScanned(const QByteArray &id, const aether::WatchState &state);
    void watchAdded(const aether::WatchedFolder &folder);
    void watchRemoved(const QByteArray &id);
    void watchFailed(const QString &error);

private:
    void startWatch(const WatchedFolder &folder, WatchRegistry &registry);
    void dropWatch(std::map<QByteArray, FolderWatcher *>::iterator it);
    void queueFiles(FolderWatcher *watcher, const QList<FileChange> &changes);
    static QByteArray fileMetadata(const WatchedFolder &folder, const QString &path,
                                   QString *error);
    bool stillWatched(FolderWatcher *watcher);
    void removeFiles(FolderWatcher *watcher, const QStringList &paths);
    void recordScan(FolderWatcher *watcher, const WatchState &state);
    KnowledgeStore &store();

    WatchServiceOptions m_options;
    std::unique_ptr<JobQueue> m_queue; // its connection serves the registry too
    std::unique_ptr<KnowledgeStore> m_store;
    std::shared_ptr<const WatchFence> m_fence;
    std::map<QByteArray, FolderWatcher *> m_watchers;
    QString m_pendingError; // of the current scan's queueing or removal
    QTimer m_reload;
    // The stop flags of the running watchers, for stopScan() from other threads.
    QMutex m_stopFlagsLock;
    QHash<QByteArray, std::shared_ptr<std::atomic<bool>>> m_stopFlags;
};

} // namespace aether
