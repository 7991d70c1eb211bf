#include "queue/jobtime.h"

#include <QTest>
#include <QTimeZone>

using namespace aether;

// The hand-written timestamp formatting and parsing (core/queue/jobtime.h)
// against QDateTime, which they replace on the hot paths.
class TestJobTime : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void formatsAsQDateTimeDoes()
    {
        const qint64 samples[] = {0, 999, 1000, 951782400123, 1796397554080, 4102444799999};
        for (const qint64 ms : samples) {
            const QDateTime utc = QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
            QCOMPARE(seedTimestamp(utc),
                     utc.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")).toLatin1());
            QCOMPARE(rqTimestamp(utc),
                     utc.toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss.zzz")).toLatin1() + "000Z");
        }
    }

    void parsesBothStoredFormats()
    {
        const qint64 ms = 1796397554080; // 2026-12-04 ...
        const QDateTime utc = QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
        QCOMPARE(storedTimestampMs(rqTimestamp(utc)), std::optional<qint64>(ms));
        QCOMPARE(storedTimestampMs(seedTimestamp(utc)), std::optional<qint64>(ms));
        QCOMPARE(storedTimestampMs("2024-02-29 23:59:59"), std::optional<qint64>(1709251199000));
        QCOMPARE(storedTimestampMs("2000-03-01T00:00:00.5Z"), std::optional<qint64>(951868800000));
    }

    void rejectsWhatIsNotATimestamp()
    {
        for (const QByteArray &bad :
             {QByteArray(), QByteArray("2026-12-04"), QByteArray("2026-13-01 00:00:00"),
              QByteArray("2026-12-04 24:00:00"), QByteArray("2026-12-04 10:61:00"),
              QByteArray("2026/12/04 10:00:00"), QByteArray("2026-12-04 10:00:0x"),
              QByteArray("2026-12-04 10:00:00.1x3"), QByteArray("abcd-ef-gh ij:kl:mn")})
            QVERIFY2(!storedTimestampMs(bad), bad.constData());
    }
};

QTEST_APPLESS_MAIN(TestJobTime)
#include "tst_jobtime.moc"
