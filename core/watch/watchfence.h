#pragma once

#include "watch/watchroots.h"

#include <QString>
#include <QStringList>

namespace aether {

// What a watch that no operator made may read: a folder inside the
// WATCH_ROOTS open to its tenant that is not, and does not lie inside, one of
// the program's own folders (its settings, its data, its store: keys and
// private Redis files live there) or a hidden folder (a name starting with
// '.', such as ~/.ssh). Scans of such watches skip hidden files and folders
// and do not descend into the program's folders, so a watch of the home
// folder reads neither. Folders are resolved at each check: one created after
// the start counts.
class WatchFence
{
public:
    WatchFence() = default;
    // `programFolders`: absolute paths (empty entries are ignored).
    WatchFence(WatchRoots roots, QStringList programFolders);

    // Empty when a tenant's watch may read `canonicalPath` (as
    // QFileInfo::canonicalFilePath() gives it); otherwise why not, naming
    // `shownPath` (what the client asked for).
    QString refusal(const QString &tenant, const QString &canonicalPath,
                    const QString &shownPath) const;
    // The program's folders as they resolve now (canonical when they exist).
    QStringList programFoldersNow() const;
    // True when `canonicalPath` is one of `folders` or lies inside one.
    static bool insideAny(const QString &canonicalPath, const QStringList &folders);
    static bool isHiddenName(const QString &name) { return name.startsWith(QLatin1Char('.')); }

private:
    WatchRoots m_roots;
    QStringList m_programFolders;
};

} // namespace aether
