// The wrong-key throttle on its own, with a clock the test moves: bans after
// the set number of failures within a sliding window, per address, for the set
// time; nothing but time forgets a failure; 0 turns it off.
#include "server/auththrottle.h"

#include <QTest>

using namespace aether;
using namespace std::chrono_literals;

namespace {

const QHostAddress kClient(QStringLiteral("192.0.2.7"));
const QHostAddress kOther(QStringLiteral("192.0.2.8"));

} // namespace

class TestAuthThrottle : public QObject
{
    Q_OBJECT

private:
    AuthThrottle::Clock::time_point m_now = AuthThrottle::Clock::now();

    void fail(AuthThrottle &throttle, const QHostAddress &client, int times)
    {
        for (int i = 0; i < times; ++i)
            throttle.recordFailure(client, m_now);
    }

private Q_SLOTS:
    void bansAfterTheLastAllowedFailureForTheBanLength()
    {
        AuthThrottle throttle(3, 60);
        fail(throttle, kClient, 2);
        QCOMPARE(throttle.banSecondsLeft(kClient, m_now), 0);
        fail(throttle, kClient, 1);
        QCOMPARE(throttle.banSecondsLeft(kClient, m_now), 60);
        QCOMPARE(throttle.banSecondsLeft(kClient, m_now + 59500ms), 1);
        QCOMPARE(throttle.banSecondsLeft(kClient, m_now + 60s), 0);
        QCOMPARE(throttle.banSecondsLeft(kOther, m_now), 0); // per address
    }

    void theSameAddressInIpv6FormIsTheSameClient()
    {
        AuthThrottle throttle(2, 60);
        fail(throttle, QHostAddress(QStringLiteral("::ffff:192.0.2.7")), 2);
        QVERIFY(throttle.banSecondsLeft(kClient, m_now) > 0);
    }

    // Failures count within a window that slides: the oldest leaves it as time
    // passes, not all of them at once.
    void failuresCountOverASlidingWindow()
    {
        AuthThrottle throttle(3, 60);
        throttle.recordFailure(kClient, m_now);
        throttle.recordFailure(kClient, m_now + 30s);
        throttle.recordFailure(kClient, m_now + 61s); // the first has left the window
        QCOMPARE(throttle.banSecondsLeft(kClient, m_now + 61s), 0);
        throttle.recordFailure(kClient, m_now + 70s); // three within 60 s: 30, 61, 70
        QCOMPARE(throttle.banSecondsLeft(kClient, m_now + 70s), 60);
    }

    void failuresOlderThanTheBanLengthAreForgotten()
    {
        AuthThrottle throttle(3, 60);
        fail(throttle, kClient, 2);
        throttle.recordFailure(kClient, m_now + 61s);
        QCOMPARE(throttle.banSecondsLeft(kClient, m_now + 61s), 0);
    }

    void zeroFailuresTurnsItOff()
    {
        AuthThrottle throttle(0, 60);
        fail(throttle, kClient, 1000);
        QCOMPARE(throttle.banSecondsLeft(kClient, m_now), 0);
    }

    // An attacker spraying addresses must not grow the table without end.
    void expiredRecordsArePrunedUnderPressure()
    {
        AuthThrottle throttle(1, 10);
        for (quint32 i = 0; i < 10000; ++i)
            throttle.recordFailure(QHostAddress(0x0A000000 + i), m_now);
        throttle.recordFailure(kClient, m_now + 11s); // prunes the 10,000 expired bans
        QCOMPARE(throttle.trackedAddresses(), 1);
        QVERIFY(throttle.banSecondsLeft(kClient, m_now + 11s) > 0);
    }
};

QTEST_GUILESS_MAIN(TestAuthThrottle)
#include "tst_auththrottle.moc"
