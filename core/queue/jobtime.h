#pragma once

#include <QByteArray>
#include <QDateTime>
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

// Milliseconds since the epoch of a stored timestamp of either format
// ("YYYY-MM-DD HH:MM:SS[.zzz]" or RQ's "YYYY-MM-DDTHH:MM:SS.ffffffZ"); nullopt
// when it is neither. Parsed by hand (the metrics read two per ended job;
// QDateTime::fromString parses its format each time).
inline std::optional<qint64> storedTimestampMs(const QByteArray &stored)
{
    const auto number = [&stored](qsizetype at, qsizetype digits) -> int {
        int value = 0;
        for (qsizetype i = at; i < at + digits; ++i) {
            if (i >= stored.size() || stored[i] < '0' || stored[i] > '9')
                return -1;
            value = value * 10 + (stored[i] - '0');
        }
        return value;
    };
    if (stored.size() < 19 || stored[4] != '-' || stored[7] != '-' ||
        (stored[10] != ' ' && stored[10] != 'T') || stored[13] != ':' || stored[16] != ':')
        return std::nullopt;
    tm utc{};
    utc.tm_year = number(0, 4) - 1900;
    utc.tm_mon = number(5, 2) - 1;
    utc.tm_mday = number(8, 2);
    utc.tm_hour = number(11, 2);
    utc.tm_min = number(14, 2);
    utc.tm_sec = number(17, 2);
    if (utc.tm_year < 0 || utc.tm_mon < 0 || utc.tm_mon > 11 || utc.tm_mday < 1 ||
        utc.tm_mday > 31 || utc.tm_hour < 0 || utc.tm_hour > 23 || utc.tm_min < 0 ||
        utc.tm_min > 59 || utc.tm_sec < 0 || utc.tm_sec > 59)
        return std::nullopt;
    int millis = 0;
    if (stored.size() >= 23 && stored[19] == '.') {
        millis = number(20, 3);
        if (millis < 0)
            return std::nullopt;
    }
    return qint64(timegm(&utc)) * 1000 + millis;
}

} // namespace aether
