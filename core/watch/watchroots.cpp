#include "watch/watchroots.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

namespace aether {

namespace {

// The tenant names of API_KEYS (letters, digits, '.', '_', '-').
bool isTenantName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    return pattern.match(name).hasMatch();
}

bool isInside(const QString &canonicalPath, const QString &canonicalRoot)
{
    if (canonicalPath == canonicalRoot)
        return true;
    const QString prefix = canonicalRoot.endsWith(QLatin1Char('/'))
                               ? canonicalRoot
                               : QString(canonicalRoot + QLatin1Char('/'));
    return canonicalPath.startsWith(prefix);
}

} // namespace

std::optional<WatchRoots> WatchRoots::parse(const QString &list, QString *error)
{
    WatchRoots roots;
    for (const QString &rawEntry : list.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString entry = rawEntry.trimmed();
        if (entry.isEmpty())
            continue;
        Root root;
        const qsizetype equals = entry.indexOf(QLatin1Char('='));
        // A path starts with '/': an '=' inside it is part of the name.
        if (!entry.startsWith(QLatin1Char('/')) && equals > 0) {
            root.tenant = entry.left(equals).trimmed();
            root.path = entry.mid(equals + 1).trimmed();
        } else {
            root.path = entry;
        }
        if (!root.tenant.isEmpty() && !isTenantName(root.tenant)) {
            *error =
                QStringLiteral("WATCH_ROOTS: '%1' is not a valid tenant name").arg(root.tenant);
            return std::nullopt;
        }
        if (!QDir::isAbsolutePath(root.path)) {
            *error = QStringLiteral("WATCH_ROOTS: '%1' is not an absolute path (entries are "
                                    "/abs/dir or tenant=/abs/dir)")
                         .arg(root.path);
            return std::nullopt;
        }
        root.path = QDir::cleanPath(root.path);
        roots.m_roots.append(root);
    }
    return roots;
}

bool WatchRoots::allows(const QString &tenant, const QString &canonicalPath) const
{
    if (canonicalPath.isEmpty())
        return false;
    for (const Root &root : m_roots) {
        if (!root.tenant.isEmpty() && root.tenant != tenant)
            continue;
        const QString canonicalRoot = QFileInfo(root.path).canonicalFilePath();
        if (!canonicalRoot.isEmpty() && isInside(canonicalPath, canonicalRoot))
            return true;
    }
    return false;
}

QString WatchRoots::describeFor(const QString &tenant) const
{
    QStringList paths;
    for (const Root &root : m_roots) {
        if (root.tenant.isEmpty() || root.tenant == tenant)
            paths.append(root.path);
    }
    return paths.join(QStringLiteral(", "));
}

} // namespace aether
