#include "watch/folderwatcher.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace aether {

namespace {

// The sidecar's bytes as part of its file's hash ("" without one); read at
// every scan, as a sidecar may change while its file does not.
QByteArray sidecarDigest(const QString &path)
{
    QFile sidecar(WatchedFolder::sidecarOf(path));
    if (QFileInfo(sidecar).isSymLink()) // never read (WatchService::fileMetadata)
        return ":link";
    if (!sidecar.open(QIODevice::ReadOnly))
        return {};
    return ":" + QCryptographicHash::hash(sidecar.read(64 * 1024), QCryptographicHash::Sha256)
                     .toHex()
                     .left(16);
}

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
                             int rescanMs, std::shared_ptr<const WatchFence> fence, QObject *parent)
    : QObject(parent), m_folder(std::move(folder)), m_known(std::move(knownHashes)),
      m_watcher(this), m_debounce(this), m_rescan(this), m_fence(std::move(fence))
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

// Why this scan may not read the folder (empty: it may). Checked at each
// scan, not only when the watch was added: the folder may have been swapped
// for a symlink since, or the settings changed.
QString FolderWatcher::fenceRefusal() const
{
    if (!m_fence)
        return {};
    const QString canonical = QFileInfo(m_folder.path).canonicalFilePath();
    if (canonical != m_folder.path)
        return QStringLiteral("not scanned: %1 now leads to %2 (a symlink or a moved folder); "
                              "add the watch again for the new folder")
            .arg(m_folder.path, canonical.isEmpty() ? QStringLiteral("nothing") : canonical);
    const QString refusal = m_fence->refusal(m_folder.tenant, canonical, m_folder.path);
    return refusal.isEmpty() ? refusal : QStringLiteral("not scanned: ") + refusal;
}

// A file or folder a fenced scan leaves alone: hidden, one of the program's
// folders, or a symlink to something the fence refuses.
bool FolderWatcher::fenced(const QFileInfo &info) const
{
    if (!m_fence)
        return false;
    if (WatchFence::isHiddenName(info.fileName()))
        return true;
    const QString canonical = info.canonicalFilePath();
    if (info.isSymLink())
        return canonical.isEmpty() ||
               !m_fence->refusal(m_folder.tenant, canonical, canonical).isEmpty();
    return WatchFence::insideAny(canonical, m_programFolders);
}

FolderWatcher::Walk FolderWatcher::walk(const QString &rootPath) const
{
    Walk found;
    QStringList pending{rootPath};
    while (!pending.isEmpty()) {
        const QString directory = pending.takeLast();
        found.directories.append(directory);
        const QFileInfoList entries = QDir(directory).entryInfoList(
            QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        for (const QFileInfo &info : entries) {
            if (stopRequested()) {
                found.stopped = true;
                return found;
            }
            if (fenced(info))
                continue;
            if (info.isDir()) {
                if (!info.isSymLink()) // symlinked folders are not followed
                    pending.append(info.absoluteFilePath());
                continue;
            }
            if (matches(info.fileName()) && !WatchedFolder::isSidecar(info.fileName()) &&
                !leadsOutside(info))
                found.files.append(info);
        }
    }
    return found;
}

void FolderWatcher::reportUnscanned(const QString &error)
{
    WatchState state;
    state.lastError = error;
    state.filesTracked = int(m_known.size());
    state.lastScanAt = QDateTime::currentDateTimeUtc();
    m_state = state;
    Q_EMIT scanned(m_state); // files are kept while the folder is away (an unmounted drive)
}

void FolderWatcher::scanNow()
{
    m_debounce.stop();
    if (stopRequested())
        return;
    const QDir root(m_folder.path);
    if (!root.exists())
        return reportUnscanned(QStringLiteral("folder %1 does not exist").arg(m_folder.path));
    if (const QString refusal = fenceRefusal(); !refusal.isEmpty())
        return reportUnscanned(refusal);
    if (m_fence)
        m_programFolders = m_fence->programFoldersNow();
    m_canonicalRoot = QFileInfo(root.absolutePath()).canonicalFilePath();
    // A fenced watch walks the path it checked, which is its canonical form.
    const Walk found = walk(m_fence ? m_canonicalRoot : root.absolutePath());
    if (found.stopped)
        return; // the watch is gone: what was found so far is not reported
    WatchState state;
    QList<FileChange> changes;
    QHash<QString, QByteArray> present;
    for (const QFileInfo &info : found.files) {
        if (stopRequested())
            return;
        const QString path = info.absoluteFilePath();
        const QString relative = QDir(found.directories.first()).relativeFilePath(path);
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
        // A changed sidecar changes the file as the watch sees it: it is queued again.
        const QByteArray hash = stamp.hash + sidecarDigest(path);
        present.insert(relative, hash);
        if (m_known.value(relative) != hash)
            changes.append(FileChange{relative, path, hash});
    }
    QStringList removed;
    for (auto known = m_known.cbegin(); known != m_known.cend(); ++known) {
        if (!present.contains(known.key()))
            removed.append(known.key());
    }
    for (const QString &gone : std::as_const(removed))
        m_stamps.remove(gone);
    m_known = present;
    watchDirectories(found.directories);
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
