// A folder dropped with "Keep in sync" becomes a watched folder of the real
// service: its file is ingested by the watch, the Watched folders tab shows
// it with its state, and "Stop watching" ends the watch.
#include "desktopfixture.h"
#include "httpclient.h"
#include "ui/addcontentpanel.h"
#include "ui/dropzone.h"
#include "ui/mainwindow.h"
#include "ui/watchedfolderspanel.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QMimeData>
#include <QPushButton>
#include <QTest>
#include <QTreeWidget>

using namespace aether;
using namespace aether::test;

namespace {

const Headers kAdmin{{"x-admin-key", "admin-secret-123"}};

QJsonArray watches(const QString &baseUrl)
{
    return HttpClient(baseUrl)
        .get(QStringLiteral("/ops/watches"), kAdmin)
        .json()
        .value("watches")
        .toArray();
}

int storedDocuments(const QString &baseUrl)
{
    return HttpClient(baseUrl)
        .get(QStringLiteral("/knowledge/documents"), {{"x-api-key", "test-key"}})
        .json()
        .value("total")
        .toInt();
}

} // namespace

class TestDesktopWatches : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void droppedFolderKeptInSync()
    {
        DesktopFixture desktop;
        QVERIFY2(desktop.start(), qPrintable(desktop.errorText()));
        const QString folder = desktop.tempPath(QStringLiteral("notes"));
        QVERIFY(QDir().mkpath(folder));
        QFile file(folder + QStringLiteral("/fjords.md"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("# Fjords\n\nFjords are valleys carved by glaciers and flooded by the sea.\n");
        file.close();

        AddContentPanel *panel = desktop.window()->addPanel();
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(folder)});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton,
                              Qt::NoModifier);
        QCoreApplication::sendEvent(panel->dropZone(), &enter);
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(panel->dropZone(), &drop);
        QTRY_COMPARE_WITH_TIMEOUT(panel->pendingFileCount(), 1, 10000);

        auto *keep = panel->findChild<QPushButton *>(QStringLiteral("keepInSyncButton"));
        QVERIFY(keep && keep->isVisibleTo(panel));
        keep->click();

        QTRY_COMPARE_WITH_TIMEOUT(watches(desktop.baseUrl()).size(), 1, 10000);
        QCOMPARE(watches(desktop.baseUrl()).first().toObject().value("path").toString(), folder);
        QTRY_COMPARE_WITH_TIMEOUT(storedDocuments(desktop.baseUrl()), 1, 30000);

        WatchedFoldersPanel *watched = desktop.window()->watchedFoldersPanel();
        watched->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(watched->folders()->topLevelItemCount(), 1, 10000);
        QCOMPARE(watched->folders()->topLevelItem(0)->text(0), folder);
        QTRY_VERIFY_WITH_TIMEOUT((watched->refresh(), watched->folders()->topLevelItem(0)->text(
                                                          3) == QLatin1String("1")),
                                 10000);

        watched->folders()->topLevelItem(0)->setSelected(true);
        watched->stopWatchingSelected();
        QTRY_COMPARE_WITH_TIMEOUT(watches(desktop.baseUrl()).size(), 0, 10000);
    }
};

QTEST_MAIN(TestDesktopWatches)
#include "tst_desktopwatches.moc"
