// The wrong-key ban never locks the desktop window out: another client on
// 127.0.0.1 guesses keys until the address is banned, and the window, which
// sends its process's own token, still queues a job that runs to the end.
#include "desktopfixture.h"
#include "httpclient.h"
#include "ui/addcontentpanel.h"
#include "ui/jobtablemodel.h"
#include "ui/mainwindow.h"

#include <QTest>

using namespace aether;
using namespace aether::test;

class TestDesktopBan : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        m_desktop.settings().authMaxFailures = 2;
        m_desktop.settings().authBanSec = 600;
        QVERIFY2(m_desktop.start(), qPrintable(m_desktop.errorText()));
    }

    void theWindowWorksWhileItsAddressIsBanned()
    {
        const HttpClient guesser(m_desktop.baseUrl());
        const Headers wrongKey{{"x-api-key", "guessed"}};
        QCOMPARE(guesser.get(QStringLiteral("/knowledge/documents"), wrongKey).status, 401);
        QCOMPARE(guesser.get(QStringLiteral("/knowledge/documents"), wrongKey).status, 401);
        const HttpResult banned =
            guesser.get(QStringLiteral("/knowledge/documents"), {{"x-api-key", "test-key"}});
        QCOMPARE(banned.status, 429); // the address, 127.0.0.1, is banned

        const QString text = QStringLiteral("Queued by the window during a ban.");
        m_desktop.window()->addPanel()->queueText(text);
        JobTableModel *jobs = m_desktop.window()->jobs();
        const auto finished = [&] {
            for (int row = 0; row < jobs->rowCount(); ++row) {
                if (jobs->record(row).name == text)
                    return jobs->record(row).status == QLatin1String("finished");
            }
            return false;
        };
        QVERIFY(QTest::qWaitFor(finished, 30000));
    }

private:
    DesktopFixture m_desktop;
};

QTEST_MAIN(TestDesktopBan)
#include "tst_desktopban.moc"
