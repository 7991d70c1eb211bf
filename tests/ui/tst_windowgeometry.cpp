// The window opens on the screen it is on, whole: a geometry saved on a
// bigger or now missing screen is clamped to the screen's available area.
#include "freeport.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QMainWindow>
#include <QScreen>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace aether;

class TestWindowGeometry : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aGeometryFromABiggerScreenIsClamped()
    {
        const QRect available = QGuiApplication::primaryScreen()->availableGeometry();
        QTemporaryDir dir;
        const QString configFile = dir.filePath(QStringLiteral("settings.conf"));
        {
            // As saved on a screen far larger and to the right of this one.
            QMainWindow elsewhere;
            elsewhere.setGeometry(available.right() + 2000, available.bottom() + 1500,
                                  available.width() * 3, available.height() * 3);
            QSettings(configFile, QSettings::IniFormat)
                .setValue(QStringLiteral("window/geometry"), elsewhere.saveGeometry());
        }
        ServiceInfo service;
        service.configFile = configFile;
        // No service listens there: the window's calls fail quietly.
        service.api.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(test::freePort()));
        MainWindow window(service);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QRect frame = window.frameGeometry();
        QVERIFY2(available.contains(frame), qPrintable(QStringLiteral("%1,%2 %3x%4 outside %5x%6")
                                                           .arg(frame.x())
                                                           .arg(frame.y())
                                                           .arg(frame.width())
                                                           .arg(frame.height())
                                                           .arg(available.width())
                                                           .arg(available.height())));
    }
};

QTEST_MAIN(TestWindowGeometry)
#include "tst_windowgeometry.moc"
