#pragma once

#include <QHash>
#include <QHostAddress>
#include <chrono>

namespace aether {

// Brute-force protection for the API keys, as qBittorrent's web UI does it: an
// address that presents a wrong key `maxFailures` times is refused (429) for
// `banSeconds`, whatever key it sends meanwhile. A success clears its count;
// failures older than the ban length are forgotten. Lives on the HTTP thread.
class AuthThrottle
{
public:
    using Clock = std::chrono::steady_clock;

    static constexpr int kDefaultMaxFailures = 5;
    static constexpr int kDefaultBanSeconds = 600;

    // maxFailures 0 turns the throttle off.
    explicit AuthThrottle(int maxFailures = kDefaultMaxFailures,
                          int banSeconds = kDefaultBanSeconds);

    // Whole seconds until `client` may try again; 0 when it may now.
    int banSecondsLeft(const QHostAddress &client, Clock::time_point now = Clock::now()) const;
    void recordFailure(const QHostAddress &client, Clock::time_point now = Clock::now());
    void recordSuccess(const QHostAddress &client);

    int maxFailures() const { return m_maxFailures; }
    qsizetype trackedAddresses() const { return m_records.size(); }

private:
    struct Record
    {
        int failures = 0;
        Clock::time_point lastFailure;
        Clock::time_point bannedUntil;
    };

    void forgetExpired(Clock::time_point now);

    int m_maxFailures;
    std::chrono::seconds m_ban;
    QHash<QString, Record> m_records; // by address text
};

} // namespace aether
