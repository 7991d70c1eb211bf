#pragma once

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <chrono>

namespace aether {

// Brute-force protection for the API keys: an address that presents a wrong
// key `maxFailures` times within a sliding window of `banSeconds` is refused
// (429) for `banSeconds`, whatever key it sends meanwhile. Right keys do not
// reset the count: a guesser who also holds one valid key (3 wrong, 1 right,
// again and again) is banned all the same. Failures older than the window are
// forgotten. Lives on the HTTP thread.
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

    int maxFailures() const { return m_maxFailures; }
    qsizetype trackedAddresses() const { return m_records.size(); }

private:
    struct Record
    {
        QList<Clock::time_point> failures; // within the window, oldest first
        Clock::time_point bannedUntil;
    };

    void forgetExpired(Clock::time_point now);

    int m_maxFailures;
    std::chrono::seconds m_window;    // also the length of a ban
    QHash<QString, Record> m_records; // by address text
};

} // namespace aether
