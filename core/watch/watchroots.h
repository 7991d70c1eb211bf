#pragma once

#include <QList>
#include <QString>
#include <optional>

namespace aether {

// Where folders watched through the API may lie (WATCH_ROOTS): a list of
// "/abs/dir" (open to every tenant) and "tenant=/abs/dir" (open to that tenant
// only), comma-separated. A path is inside a root when its canonical form
// (symlinks followed, ".." resolved) is the root's canonical form or lies
// below it, so neither a symlink nor ".." leads out. Roots are resolved at
// each check: one created after the start counts, one that is gone allows
// nothing. No roots: nothing is allowed.
class WatchRoots
{
public:
    // nullopt with *error when an entry is not an absolute folder path with an
    // optional valid tenant name.
    static std::optional<WatchRoots> parse(const QString &list, QString *error);

    // `canonicalPath` as QFileInfo::canonicalFilePath() gives it (empty: never inside).
    bool allows(const QString &tenant, const QString &canonicalPath) const;
    bool isEmpty() const { return m_roots.isEmpty(); }
    // The roots open to `tenant`, "/a, /b", for error messages.
    QString describeFor(const QString &tenant) const;

private:
    struct Root
    {
        QString tenant; // empty: every tenant
        QString path;   // absolute, as configured
    };

    QList<Root> m_roots;
};

} // namespace aether
