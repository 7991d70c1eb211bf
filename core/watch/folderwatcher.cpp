#include "watch/folderwatcher.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace aether {

namespace {

QByteArray fileHash(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return {};
    }
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result().toHex();
}

} // namespace

QStringList WatchedFolder::defaultPatterns()
{
    return {QStringLiteral("*.txt"),  QStringLiteral("*.md"),   QStringLiteral("*.markdown"),
            QStringLiteral("*.html"), QStringLiteral("*.htm"),  QStringLiteral("*.pdf"),
            QStringLiteral("*.docx"), QStringLiteral("*.xlsx"), QStringLiteral("*.pptx"),
            QStringLiteral("*.odt"),  QStringLiteral("*.ods"),  QStringLiteral("*.odp"),
            QStringLiteral("*.csv"),  QStringLiteral("*.json"), QStringLiteral("*.eml")};
}

FolderWatcher::FolderWatcher(WatchedFolder folder, QHash<QString, QByteArray> knownHashes,
                             int rescanMs, QObject *parent)
    : QObject(parent), m_folder(std::move(folder)), m_known(std::move(knownHashes)),
      m_watcher(this), m_debounce(this), m_rescan(this)
{
    qRegisterMetaType<QList<aether::FileChange>>();
    qRegisterMetaType<aether::WatchState>();
    if (m_folder.patterns.isEmpty())
        m_folder.patterns = WatchedFolder::defaultPatterns();
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &FolderWatcher::scanNow);
    m_rescan.setInterval(rescanMs);
    connect(&m_rescan, &QTimer::timeout, this, &FolderWatcher::scanNow);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &FolderWatcher::scheduleScan);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &FolderWatcher::scheduleScan);
}

void FolderWatcher::start()
{
    m_rescan.start();
    scanNow();
}

void FolderWatcher::scheduleScan()
{
    m_debounce.start(); // restarts: one scan after the last of a burst
}

void FolderWatcher::forget(const QString &relativePath)
{
    m_known.remove(relativePath);
    m_stamps.remove(relativePath);
}

bool FolderWatcher::matches(const QString &fileName) const
{
    for (const QString &pattern : m_folder.patterns) {
        if (QDir::match(pattern, fileName))
            return true;
    }
    return false;
}

bool FolderWatcher::leadsOutside(const QFileInfo &info) const
{
    if (!info.isSymLink() || m_folder.origin == QLatin1String("settings"))
        return false;
    const QString target = info.canonicalFilePath();
    return target.isEmpty() || m_canonicalRoot.isEmpty() ||
           !target.startsWith(m_canonicalRoot + QLatin1Char('/'));
}

void FolderWatcher::watchDirectories(const QStringList &directories)
{
    const QStringList watched = m_watcher.directories();
    QStringList added;
    for (const QString &directory : directories) {
        if (!watched.contains(directory))
            added.append(directory);
    }
    if (!added.isEmpty())
        m_watcher.addPaths(added);
}

void FolderWatcher::scanNow()
{
    m_debounce.stop();
    if (stopRequested())
        return;
    WatchState state;
    const QDir root(m_folder.path);
    if (!root.exists()) {
        state.lastError = QStringLiteral("folder %1 does not exist").arg(m_folder.path);
        state.filesTracked = int(m_known.size());
        state.lastScanAt = QDateTime::currentDateTimeUtc();
        m_state = state;
        Q_EMIT scanned(m_state); // files are kept while the folder is away (an unmounted drive)
        return;
    }
    m_canonicalRoot = QFileInfo(root.absolutePath()).canonicalFilePath();
    QStringList directories{root.absolutePath()};
    QList<FileChange> changes;
    QHash<QString, QByteArray> present;
    QDirIterator it(root.absolutePath(), QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        if (stopRequested())
            return; // the watch is gone: what was found so far is not reported
        const QString path = it.next();
        const QFileInfo info = it.fileInfo();
        if (info.isDir()) {
            directories.append(path);
            continue;
        }
        if (!matches(info.fileName()) || leadsOutside(info))
            continue;
        const QString relative = root.relativeFilePath(path);
        Stamp &stamp = m_stamps[relative];
        const qint64 modified = info.lastModified().toMSecsSinceEpoch();
        if (stamp.size != info.size() || stamp.modifiedMs != modified || stamp.hash.isEmpty()) {
            QString error;
            stamp = Stamp{info.size(), modified, fileHash(path, &error)};
            if (!error.isEmpty()) {
                state.lastError = error;
                m_stamps.remove(relative);
                if (m_known.contains(relative)) // unreadable for now, not gone
                    present.insert(relative, m_known.value(relative));
                continue;
            }
        }
        present.insert(relative, stamp.hash);
        if (m_known.value(relative) != stamp.hash)
            changes.append(FileChange{relative, path, stamp.hash});
    }
    QStringList removed;
    for (auto known = m_known.cbegin(); known != m_known.cend(); ++known) {
        if (!present.contains(known.key()))
            removed.append(known.key());
    }
    for (const QString &gone : std::as_const(removed))
        m_stamps.remove(gone);
    m_known = present;
    watchDirectories(directories);
    state.filesTracked = int(present.size());
    state.lastScanAt = QDateTime::currentDateTimeUtc();
    state.queued = int(changes.size());
    state.removed = int(removed.size());
    m_state = state;
    if (!changes.isEmpty())
        Q_EMIT filesChanged(changes);
    if (stopRequested())
        return; // stopped while the changes were queued
    if (!removed.isEmpty())
        Q_EMIT filesRemoved(removed);
    Q_EMIT scanned(m_state);
}

} // namespace aether
