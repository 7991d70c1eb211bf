#include "server/auththrottle.h"

namespace aether {

namespace {

// Enough for any real set of clients; past it, records that can no longer
// matter are dropped so an attacker spraying addresses cannot grow it forever.
constexpr qsizetype kRecordsBeforePruning = 10000;

QString keyOf(const QHostAddress &client)
{
    // ::ffff:127.0.0.1 and 127.0.0.1 are one client.
    bool isV4 = false;
    const quint32 v4 = client.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4).toString() : client.toString();
}

} // namespace

AuthThrottle::AuthThrottle(int maxFailures, int banSeconds)
    : m_maxFailures(maxFailures), m_window(banSeconds)
{}

int AuthThrottle::banSecondsLeft(const QHostAddress &client, Clock::time_point now) const
{
    if (m_maxFailures <= 0 || m_records.isEmpty())
        return 0;
    const auto record = m_records.constFind(keyOf(client));
    if (record == m_records.cend() || record->bannedUntil <= now)
        return 0;
    const auto left = std::chrono::ceil<std::chrono::seconds>(record->bannedUntil - now);
    return int(left.count());
}

void AuthThrottle::recordFailure(const QHostAddress &client, Clock::time_point now)
{
    if (m_maxFailures <= 0)
        return;
    if (m_records.size() >= kRecordsBeforePruning)
        forgetExpired(now);
    Record &record = m_records[keyOf(client)];
    while (!record.failures.isEmpty() && now - record.failures.first() >= m_window)
        record.failures.removeFirst();
    record.failures.append(now);
    if (record.failures.size() >= m_maxFailures) {
        record.bannedUntil = now + m_window;
        record.failures.clear();
    }
}

void AuthThrottle::forgetExpired(Clock::time_point now)
{
    for (auto record = m_records.begin(); record != m_records.end();) {
        const bool recentFailure =
            !record->failures.isEmpty() && now - record->failures.last() < m_window;
        if (record->bannedUntil <= now && !recentFailure)
            record = m_records.erase(record);
        else
            ++record;
    }
}

} // namespace aether
