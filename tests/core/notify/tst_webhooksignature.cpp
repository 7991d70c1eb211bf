// The webhook signature (what receivers verify), the retry schedule, and the
// per-key defaults read from the settings.
#include "notify/webhookdirectory.h"
#include "notify/webhooksignature.h"

#include <QTest>

using namespace aether;

class TestWebhookSignature : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void signatureIsHexHmacSha256()
    {
        // RFC 4231 test case 2.
        QCOMPARE(webhookSignature("Jefe", "what do ya want for nothing?"),
                 QByteArray("sha256="
                            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
        QVERIFY(webhookSignature("a", "body") != webhookSignature("b", "body"));
    }

    void backoffDoublesUpToACap()
    {
        const WebhookBackoff backoff{1000, 600000, 3600000};
        QCOMPARE(backoff.delayAfter(1), 1000);
        QCOMPARE(backoff.delayAfter(2), 2000);
        QCOMPARE(backoff.delayAfter(5), 16000);
        QCOMPARE(backoff.delayAfter(30), 600000);
    }

    void backoffGivesUpAfterAnHour()
    {
        const WebhookBackoff backoff{1000, 600000, 3600000};
        QCOMPARE(backoff.nextDue(1, 0, 10), 1010);
        QCOMPARE(backoff.nextDue(20, 0, 3000000), 3600000); // exactly the hour: still tried
        QCOMPARE(backoff.nextDue(20, 0, 3000001), -1);
    }

    void directoryGivesDefaultsPerKey()
    {
        WebhookDirectory directory;
        QString error;
        QVERIFY(directory.parse(QStringLiteral("k1=https://a.example/hook, k2=https://b.example"),
                                QStringLiteral("k1=s1"), QStringLiteral("shared"), &error));
        QCOMPARE(directory.defaultUrl("k1"), QStringLiteral("https://a.example/hook"));
        QCOMPARE(directory.defaultUrl("k3"), QString());
        QCOMPARE(directory.secretFor(WebhookDirectory::keyRef("k1")), QByteArray("s1"));
        QCOMPARE(directory.secretFor(WebhookDirectory::keyRef("k2")), QByteArray("shared"));
        // The reference stored with jobs is not the key.
        QVERIFY(!WebhookDirectory::keyRef("k1").contains("k1"));
    }

    void malformedListsAreRefused()
    {
        WebhookDirectory directory;
        QString error;
        QVERIFY(!directory.parse(QStringLiteral("no-equals-sign"), {}, {}, &error));
        QVERIFY(error.contains(QStringLiteral("WEBHOOK_URLS")));
    }
};

QTEST_GUILESS_MAIN(TestWebhookSignature)
#include "tst_webhooksignature.moc"
