// The drain rate and ETA of the job panel ("48 jobs/s · about 2 min left"):
// jobs ended in a sliding 10 s window over the jobs still waiting; nothing
// shown when idle, no ETA while paused.
#include "ui/throughputmeter.h"

#include <QTest>

using namespace aether;

class TestThroughput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rateOverTheWindow()
    {
        ThroughputMeter meter;
        // 48 jobs a second for 20 s, in batches every 250 ms.
        for (qint64 at = 0; at <= 20000; at += 250)
            meter.addEnded(12, at);
        QCOMPARE(qRound(meter.jobsPerSecond(20000)), 48);
        // 5,760 waiting at 48/s: 120 s.
        QCOMPARE(meter.etaMs(5760, 20000), 120000);
        QCOMPARE(meter.text(5760, false, 20000), QStringLiteral("48 jobs/s · about 2 min left"));
    }

    void aDrainThatJustBeganIsNotUnderestimated()
    {
        ThroughputMeter meter;
        meter.addEnded(10, 1000);
        meter.addEnded(10, 2000);
        meter.addEnded(10, 3000);
        // 30 jobs in the 2 s since the first end, not 30 over the whole 10 s window.
        QCOMPARE(meter.jobsPerSecond(3000), 15.0);
    }

    void endsOutsideTheWindowAreForgotten()
    {
        ThroughputMeter meter;
        meter.addEnded(100, 0);
        QVERIFY(meter.jobsPerSecond(5000) > 0);
        QCOMPARE(meter.jobsPerSecond(10001), 0.0);
        QCOMPARE(meter.etaMs(10, 10001), -1);
        // A job still waits but nothing ends: how many wait, no rate or ETA.
        QCOMPARE(meter.text(10, false, 10001), QStringLiteral("10 jobs waiting"));
    }

    void idleShowsNothingAndPausedShowsNoEta()
    {
        ThroughputMeter meter;
        meter.addEnded(20, 1000);
        meter.addEnded(20, 2000);
        QCOMPARE(meter.text(0, false, 2000), QString());
        QCOMPARE(meter.text(120, true, 2000), QStringLiteral("Paused · 120 jobs waiting"));
        QCOMPARE(meter.text(1, true, 2000), QStringLiteral("Paused · 1 job waiting"));
    }

    void textsOfRatesAndTimes()
    {
        QCOMPARE(ThroughputMeter::rateText(48.4), QStringLiteral("48 jobs/s"));
        QCOMPARE(ThroughputMeter::rateText(2.26), QStringLiteral("2.3 jobs/s"));
        QCOMPARE(ThroughputMeter::rateText(0.5), QStringLiteral("30 jobs/min"));
        QCOMPARE(ThroughputMeter::rateText(1.0 / 60), QStringLiteral("1 job/min"));
        QCOMPARE(ThroughputMeter::etaText(12300), QStringLiteral("about 13 s left"));
        QCOMPARE(ThroughputMeter::etaText(119000), QStringLiteral("about 2 min left"));
        QCOMPARE(ThroughputMeter::etaText(3 * 3600 * 1000 + 5 * 60000),
                 QStringLiteral("about 3 h 5 min left"));
    }
};

QTEST_MAIN(TestThroughput)
#include "tst_throughput.moc"
