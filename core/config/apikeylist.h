#pragma once

#include <QList>
#include <QString>

namespace aether {

// One entry of API_KEYS ("key:role[:tenant]"), as written: trimmed, the role
// lower-cased, the tenant empty when not given. Not checked here: AccessPolicy
// (core/access) refuses malformed entries and unknown roles when the service
// starts; the window only reads the list to pick its own key.
struct ApiKeyEntry
{
    QString key;
    QString role;
    QString tenant;
};

// The entries of a comma-separated API_KEYS list, empty ones skipped.
QList<ApiKeyEntry> apiKeyEntries(const QString &list);

} // namespace aether
