#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QTimeZone>
#include <cstdio>
#include <ctime>
#include <optional>

namespace aether {

// "YYYY-MM-DD?HH:MM:SS.zzz" (? = separator) of a UTC time in milliseconds.
// By hand rather than QDateTime::toString, which parses its format for each
// call: a worker writes several timestamps per job, and that was 5% of its time.
inline QByteArray utcText(qint64 msecs, char separator)
{
    const time_t seconds = time_t(msecs >= 0 ? msecs / 1000 : (msecs - 999) / 1000);
    const int millis = int(msecs - qint64(seconds) * 1000);
    tm utc{};
    gmtime_r(&seconds, &utc);
    char text[40];
    const int length = std::snprintf(text, sizeof text, "%04d-%02d-%02d%c%02d:%02d:%02d.%03d",
                                     utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, separator,
                                     utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
    return QByteArray(text, length);
}

// Aether's own timestamps (events, batches, retry_at, webhook attempts) are
// UTC "YYYY-MM-DD HH:MM:SS.zzz" (readable in redis-cli, sortable as text).
inline QByteArray seedTimestamp(const QDateTime &utc)
{
    return utcText(utc.toMSecsSinceEpoch(), ' ');
}

inline QByteArray jobTimestampNow()
{
    return utcText(QDateTime::currentMSecsSinceEpoch(), ' ');
}

// The job hash's RQ fields (created_at, enqueued_at, started_at, ended_at,
// last_heartbeat) and the worker hashes use RQ's format, "%Y-%m-%dT%H:%M:%S.%fZ"
// (microseconds), so that RQ's Job.restore and Worker.refresh parse them.
inline QByteArray rqTimestamp(const QDateTime &utc)
{
    return utcText(utc.toMSecsSinceEpoch(), 'T') + "000Z";
}

inline QByteArray rqTimestampNow()
{
    return utcText(QDateTime::currentMSecsSinceEpoch(), 'T') + "000Z";
}

// A stored timestamp in RQ's format: Aether's older "YYYY-MM-DD HH:MM:SS[.zzz]"
// is converted, one already in RQ's format is kept.
inline QByteArray rqTimestampOf(const QByteArray &stored)
{
    if (stored.endsWith('Z') || stored.size() < 19)
        return stored;
    QByteArray converted = stored.left(23);
    converted[10] = 'T';
    if (converted.size() == 19)
        converted += ".000";
    return converted + "000Z";
}

// What the HTTP API shows of a stored timestamp of either format:
// "YYYY-MM-DD HH:MM:SS", as the seed did.
inline QByteArray apiTimestamp(const QByteArray &stored)
{
    QByteArray shown = stored.left(19);
    if (shown.size() > 10 && shown[10] == 'T')
        shown[10] = ' ';
    return shown;
}

// Milliseconds since the epoch of a stored timestamp of either format.
inline std::optional<qint64> storedTimestampMs(const QByteArray &stored)
{
    QByteArray text = stored.left(23);
    if (text.size() > 10 && text[10] == 'T')
        text[10] = ' ';
    QDateTime time =
        QDateTime::fromString(QString::fromLatin1(text), QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
    if (!time.isValid())
        return std::nullopt;
    time.setTimeZone(QTimeZone::utc());
    return time.toMSecsSinceEpoch();
}

} // namespace aether
