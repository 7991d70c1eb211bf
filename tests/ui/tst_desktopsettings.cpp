// Saving the settings dialog applies the settings at once: the session
// restarts the service in the same process with what the settings say now,
// on the new port, with a new window.
#include "desktopfixture.h"
#include "freeport.h"
#include "httpclient.h"
#include "ui/mainwindow.h"

#include <QSignalSpy>
#include <QStatusBar>
#include <QTest>

using namespace aether;
using namespace aether::test;

class TestDesktopSettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void savedSettingsApplyWithoutRestartingTheProgram()
    {
        DesktopFixture fixture;
        Settings changed;
        int reads = 0;
        fixture.setSettingsReader([&](QString *) -> std::optional<Settings> {
            ++reads;
            return changed;
        });
        QVERIFY2(fixture.start(), qPrintable(fixture.errorText()));
        const QString oldUrl = fixture.baseUrl();
        QCOMPARE(HttpClient(oldUrl).get(QStringLiteral("/healthz")).status, 200);

        changed = fixture.session()->settings();
        changed.port = freePort();
        changed.chunkSize = 400;
        MainWindow *before = fixture.window();
        Q_EMIT before->settingsSaved(); // what "Save" in the dialog does
        QTRY_VERIFY_WITH_TIMEOUT(fixture.window() && fixture.window() != before, 20000);

        QCOMPARE(reads, 1);
        QCOMPARE(fixture.session()->settings().chunkSize, 400);
        const QString newUrl = fixture.baseUrl();
        QVERIFY(newUrl != oldUrl);
        QCOMPARE(HttpClient(newUrl).get(QStringLiteral("/healthz")).status, 200);
        QCOMPARE(HttpClient(oldUrl).get(QStringLiteral("/healthz")).status, 0); // closed
        QVERIFY(fixture.window()->isVisible());
        QCOMPARE(fixture.window()->statusBar()->currentMessage(),
                 QStringLiteral("Settings applied"));
    }
};

QTEST_MAIN(TestDesktopSettings)
#include "tst_desktopsettings.moc"
