#include "watch/watchfence.h"

#include <QDir>
#include <QFileInfo>

namespace aether {

namespace {

bool isInside(const QString &path, const QString &folder)
{
    if (path == folder)
        return true;
    const QString prefix =
        folder.endsWith(QLatin1Char('/')) ? folder : QString(folder + QLatin1Char('/'));
    return path.startsWith(prefix);
}

bool hasHiddenPart(const QString &canonicalPath)
{
    for (const QString &part : canonicalPath.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        if (WatchFence::isHiddenName(part))
            return true;
    }
    return false;
}

} // namespace

WatchFence::WatchFence(WatchRoots roots, QStringList programFolders) : m_roots(std::move(roots))
{
    for (const QString &folder : programFolders) {
        if (!folder.isEmpty())
            m_programFolders.append(QDir::cleanPath(QDir(folder).absolutePath()));
    }
}

QStringList WatchFence::programFoldersNow() const
{
    QStringList folders;
    for (const QString &folder : m_programFolders) {
        // Not there yet: as configured, so a watch made before it is created stays out.
        const QString canonical = QFileInfo(folder).canonicalFilePath();
        folders.append(canonical.isEmpty() ? folder : canonical);
    }
    return folders;
}

bool WatchFence::insideAny(const QString &canonicalPath, const QStringList &folders)
{
    for (const QString &folder : folders) {
        if (isInside(canonicalPath, folder))
            return true;
    }
    return false;
}

QString WatchFence::refusal(const QString &tenant, const QString &canonicalPath,
                            const QString &shownPath) const
{
    if (!m_roots.allows(tenant, canonicalPath)) {
        const QString open = m_roots.describeFor(tenant);
        return QStringLiteral("'%1' is not a folder inside WATCH_ROOTS (%2); an operator ('*' or "
                              "admin key) may add folders elsewhere, or open one with WATCH_ROOTS")
            .arg(shownPath, open.isEmpty()
                                ? QStringLiteral("no folders are open to tenant '%1'").arg(tenant)
                                : QStringLiteral("open to tenant '%1': %2").arg(tenant, open));
    }
    if (hasHiddenPart(canonicalPath) || insideAny(canonicalPath, programFoldersNow()))
        return QStringLiteral("'%1' is or lies inside a hidden folder or one of this program's "
                              "own folders (settings, data, store), which a tenant's watch may "
                              "not read; only an operator ('*' or admin key) may watch it")
            .arg(shownPath);
    return {};
}

} // namespace aether
