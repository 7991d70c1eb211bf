#pragma once

#include <QByteArray>
#include <QDateTime>

namespace aether {

// Job timestamps are kept in Redis as UTC "YYYY-MM-DD HH:MM:SS.zzz" (readable in
// redis-cli, sortable as text); the API shows the first 19 characters.
inline QByteArray jobTimestampNow()
{
    return QDateTime::currentDateTimeUtc()
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"))
        .toLatin1();
}

inline QByteArray apiTimestamp(const QByteArray &stored)
{
    return stored.left(19);
}

} // namespace aether
