#pragma once

#include "watch/watchedfolder.h"
#include "watch/watchfence.h"

#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QHash>
#include <QObject>
#include <QTimer>
#include <atomic>
#include <memory>

namespace aether {

// A new or changed file found by a scan.
struct FileChange
{
    QString relativePath; // the document's file name
    QString absolutePath;
    QByteArray contentHash; // SHA-256, hex
};

// Watches one folder (and its subfolders) on the thread it lives on:
// QFileSystemWatcher notifications, debounced (a burst of saves gives one
// scan 1 s after the last), plus a periodic rescan in case a notification
// was missed (network drives, full inotify tables). A scan compares each
// matching file's content hash with the last one seen: only new and changed
// files are reported, so an unchanged save does nothing; known files that are
// gone are reported removed. The known hashes are given at construction (the
// state of the previous run), so the first scan catches what changed while
// the program was closed. For the desktop app: connect to the signals.
// A stop request (from any thread, through stopFlag()) ends a scan in
// progress at the next file, reporting nothing: a removed watch queues no
// more. Unless the folder comes from the settings, files reached through a
// symlink that leads out of the folder are skipped. With a fence (a watch no
// operator made), each scan first checks that the folder still resolves to
// the stored path and that the fence still lets its tenant read it (a folder
// swapped for a symlink leading out is not scanned: the state's lastError
// says why), and skips hidden files and folders and the program's folders.
class FolderWatcher : public QObject
{
    Q_OBJECT

public:
    // A scan after the debounce (1 s), however often asked: a burst of
    // requests (POST /ops/watches/{id}/rescan in a loop) costs one scan.
    void requestScan() { scheduleScan(); }
    // `fence`: null for an operator's watch.
    FolderWatcher(WatchedFolder folder, QHash<QString, QByteArray> knownHashes, int rescanMs,
                  std::shared_ptr<const WatchFence> fence = nullptr, QObject *parent = nullptr);

    static constexpr int kDebounceMs = 1000;

    const WatchedFolder &folder() const { return m_folder; }
    const WatchState &state() const { return m_state; }

    void start();   // watches and scans at once
    void scanNow(); // a full scan, now
    // The change to this file was not taken (queueing failed): the next scan reports it again.
    void forget(const QString &relativePath);
    // Set it (from any thread) to stop scanning for good.
    std::shared_ptr<std::atomic<bool>> stopFlag() const { return m_stop; }
    bool stopRequested() const { return m_stop->load(); }

Q_SIGNALS:
    void filesChanged(const QList<aether::FileChange> &changes);
    void filesRemoved(const QStringList &relativePaths);
    void scanned(const aether::WatchState &state);

private:
    struct Stamp
    {
        qint64 size = -1;
        qint64 modifiedMs = 0;
        QByteArray hash;
    };

    struct Walk
    {
        QStringList directories;
        QList<QFileInfo> files;
        bool stopped = false;
    };

    void scheduleScan();
    QString fenceRefusal() const;
    Walk walk(const QString &rootPath) const;
    void reportUnscanned(const QString &error);
    void watchDirectories(const QStringList &directories);
    bool matches(const QString &fileName) const;
    bool leadsOutside(const QFileInfo &info) const;
    bool fenced(const QFileInfo &info) const;

    WatchedFolder m_folder;
    QHash<QString, QByteArray> m_known; // relative path -> content hash
    QHash<QString, Stamp> m_stamps;     // skips re-hashing files whose size and time did not change
    QFileSystemWatcher m_watcher;
    QTimer m_debounce;
    QTimer m_rescan;
    WatchState m_state;
    QString m_canonicalRoot; // for the symlink check; resolved at each scan
    std::shared_ptr<const WatchFence> m_fence;
    QStringList m_programFolders; // the fence's, resolved at each scan
    std::shared_ptr<std::atomic<bool>> m_stop = std::make_shared<std::atomic<bool>>(false);
};

} // namespace aether

Q_DECLARE_METATYPE(aether::FileChange)
