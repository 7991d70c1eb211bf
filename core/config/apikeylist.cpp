#include "config/apikeylist.h"

#include <QStringList>

namespace aether {

QList<ApiKeyEntry> apiKeyEntries(const QString &list)
{
    QList<ApiKeyEntry> entries;
    for (const QString &entry : list.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QStringList fields = entry.trimmed().split(QLatin1Char(':'));
        entries.append(ApiKeyEntry{fields.value(0).trimmed(), fields.value(1).trimmed().toLower(),
                                   fields.value(2).trimmed()});
    }
    return entries;
}

} // namespace aether
