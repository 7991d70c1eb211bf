#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace aether {

// A folder kept in sync with the store: new and changed files matching the
// patterns are queued as file jobs under `source`, deleted files have their
// documents removed. A file's document identity is "file:<source>/<path
// relative to the folder>", so a changed file replaces its earlier version.
struct WatchedFolder
{
    QByteArray id;
    QString path; // absolute
    QString source;
    QStringList patterns; // wildcards on the file name, e.g. "*.md"
    QString tenant = QStringLiteral("default");
    QString origin = QStringLiteral("api"); // "api" or "settings"
    // Made by an operator (settings, the desktop window, an operator key): no
    // WatchFence applies. A watch of a tenant-bound key is checked at each scan.
    bool byOperator = false;
    // Metadata for every file's document (compact JSON, flat); a file's
    // sidecar "<name>.meta.json" adds to it and wins (isSidecar()).
    QByteArray metadata;

    // The file types the extractors read, when no patterns are given.
    static QStringList defaultPatterns();
    // "<name>.meta.json" holds metadata for "<name>" and is never ingested itself.
    static bool isSidecar(const QString &fileName)
    {
        return fileName.endsWith(QLatin1String(".meta.json"), Qt::CaseInsensitive);
    }
    static QString sidecarOf(const QString &path) { return path + QStringLiteral(".meta.json"); }
};

// What a watch reports after each scan.
struct WatchState
{
    int filesTracked = 0;
    QDateTime lastScanAt; // UTC; invalid before the first scan
    QString lastError;    // empty when the last scan went well
    int queued = 0;       // files queued by the last scan
    int removed = 0;      // files removed by the last scan
};

} // namespace aether

Q_DECLARE_METATYPE(aether::WatchedFolder)
Q_DECLARE_METATYPE(aether::WatchState)
