// A folder dropped with "Keep in sync" becomes a watched folder of the real
// service: its file is ingested by the watch, the Watched folders tab shows
// it with its state, and "Stop watching" ends the watch. Folders without
// drag-and-drop: "Watch folder…" (patterns, source, refusals kept in the
// dialog), "Rescan now", "Add folder…"; loose files dropped beside a folder
// under "Keep in sync" are queued too; the file dialogs offer the supported
// types and open where the last one was closed.
#include "desktopfixture.h"
#include "httpclient.h"
#include "ui/addcontentpanel.h"
#include "ui/dropzone.h"
#include "ui/filechooser.h"
#include "ui/mainwindow.h"
#include "ui/watchedfolderspanel.h"
#include "ui/watchfolderdialog.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
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

// The stored documents with this file name (any source).
int documentsNamed(const QString &baseUrl, const QString &fileName)
{
    const QJsonArray documents =
        HttpClient(baseUrl)
            .get(QStringLiteral("/knowledge/documents?limit=500"), {{"x-api-key", "test-key"}})
            .json()
            .value("documents")
            .toArray();
    int count = 0;
    for (const QJsonValue &document : documents)
        count += document.toObject().value("filename").toString() == fileName ? 1 : 0;
    return count;
}

// The file jobs with this name, whatever their state.
int fileJobsNamed(const QString &baseUrl, const QString &name)
{
    const QJsonArray jobs = HttpClient(baseUrl)
                                .get(QStringLiteral("/ops/jobs?type=file&limit=500"), kAdmin)
                                .json()
                                .value("jobs")
                                .toArray();
    int count = 0;
    for (const QJsonValue &job : jobs)
        count += job.toObject().value("name").toString() == name ? 1 : 0;
    return count;
}

QJsonObject watchOf(const QString &baseUrl, const QString &path)
{
    for (const QJsonValue &watch : watches(baseUrl)) {
        if (watch.toObject().value("path").toString() == path)
            return watch.toObject();
    }
    return {};
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(bytes);
}

void drop(DropZone *zone, const QStringList &paths)
{
    QMimeData mime;
    QList<QUrl> urls;
    for (const QString &path : paths)
        urls.append(QUrl::fromLocalFile(path));
    mime.setUrls(urls);
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(zone, &enter);
    QDropEvent dropped(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(zone, &dropped);
}

} // namespace

class TestDesktopWatches : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // The dialogs' remembered folder goes to a test settings folder, not the user's.
        QStandardPaths::setTestModeEnabled(true);
        // An hour between periodic rescans: what is found sooner was found by
        // a notification or by "Rescan now".
        m_desktop.settings().watchRescanSec = 3600;
        QVERIFY2(m_desktop.start(), qPrintable(m_desktop.errorText()));
    }

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

    // "Watch folder…": a folder that is not there is refused in the dialog;
    // the service's refusal (a pattern with '/') is shown in it with what was
    // typed kept; then the watch lists the patterns and source given, and
    // only the matching files are queued.
    void watchFolderDialogWithPatterns()
    {
        const QString folder = m_desktop.tempPath(QStringLiteral("handbook"));
        writeFile(folder + QStringLiteral("/anchors.md"), "# Anchors\n\nAnchors hold ships.");
        writeFile(folder + QStringLiteral("/knots.txt"), "Knots: bowline, clove hitch.");
        writeFile(folder + QStringLiteral("/sails.html"),
                  "<html><body><p>Sails catch the wind.</p></body></html>");
        WatchedFoldersPanel *watched = m_desktop.window()->watchedFoldersPanel();
        QPointer<WatchFolderDialog> dialog = watched->watchFolder();
        QVERIFY(dialog && dialog->isVisible());

        dialog->folderField()->setText(folder + QStringLiteral("/missing"));
        dialog->watchButton()->click();
        QVERIFY2(dialog->problemLabel()->text().contains(QLatin1String("does not exist")),
                 qPrintable(dialog->problemLabel()->text()));
        QVERIFY(dialog->isVisible());

        QString browseStart;
        dialog->chooser().setChooseFolder(
            [&browseStart, folder](QWidget *, const QString &, const QString &start) {
                browseStart = start;
                return folder;
            });
        dialog->browse();
        QCOMPARE(QDir::fromNativeSeparators(dialog->folderField()->text()), folder);
        QCOMPARE(FileChooser::lastFolder(), folder); // the next dialog opens here
        dialog->patternsField()->setText(QStringLiteral("*.md sub/*.txt"));
        dialog->sourceField()->setText(QStringLiteral("seamanship"));
        dialog->watchButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(
            !dialog || dialog->problemLabel()->text().contains(QLatin1String("'/'")), 10000);
        QVERIFY2(dialog && dialog->isVisible(), "the dialog closed on a refusal");
        QCOMPARE(dialog->patternsField()->text(), QStringLiteral("*.md sub/*.txt"));
        QCOMPARE(dialog->sourceField()->text(), QStringLiteral("seamanship"));
        QVERIFY(watchOf(m_desktop.baseUrl(), folder).isEmpty());

        dialog->patternsField()->setText(QStringLiteral("*.md, *.txt"));
        dialog->watchButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog.isNull(), 10000); // closed once watching
        const QJsonObject watch = watchOf(m_desktop.baseUrl(), folder);
        QCOMPARE(watch.value("patterns").toArray(), (QJsonArray{"*.md", "*.txt"}));
        QCOMPARE(watch.value("source").toString(), QStringLiteral("seamanship"));
        QTRY_COMPARE_WITH_TIMEOUT(documentsNamed(m_desktop.baseUrl(), "anchors.md"), 1, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(documentsNamed(m_desktop.baseUrl(), "knots.txt"), 1, 30000);
        QCOMPARE(watchOf(m_desktop.baseUrl(), folder).value("files_tracked").toInt(), 2);
        QCOMPARE(fileJobsNamed(m_desktop.baseUrl(), QStringLiteral("sails.html")), 0);
        QTRY_VERIFY_WITH_TIMEOUT(!watched->folders()->findItems(folder, Qt::MatchExactly).isEmpty(),
                                 10000);
        QCOMPARE(watched->folders()->findItems(folder, Qt::MatchExactly).first()->text(2),
                 QStringLiteral("*.md *.txt"));
    }

    // A change made in place is not reported by the folder notifications, and
    // the periodic rescan is an hour away: "Rescan now" finds it.
    void rescanNowPicksUpAChange()
    {
        const QString folder = m_desktop.tempPath(QStringLiteral("tides"));
        const QString file = folder + QStringLiteral("/tides.md");
        writeFile(file, "# Tides\n\nTwice a day.");
        const HttpClient client(m_desktop.baseUrl());
        QCOMPARE(client.postJson(QStringLiteral("/ops/watches"), {{"path", folder}}, kAdmin).status,
                 200);
        QTRY_COMPARE_WITH_TIMEOUT(fileJobsNamed(m_desktop.baseUrl(), "tides.md"), 1, 20000);

        WatchedFoldersPanel *watched = m_desktop.window()->watchedFoldersPanel();
        auto *rescan = watched->findChild<QPushButton *>(QStringLiteral("rescanButton"));
        QVERIFY(rescan);
        watched->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(!watched->folders()->findItems(folder, Qt::MatchExactly).isEmpty(),
                                 10000);
        watched->folders()->clearSelection();
        QVERIFY(!rescan->isEnabled()); // nothing selected, nothing to rescan
        watched->folders()->findItems(folder, Qt::MatchExactly).first()->setSelected(true);
        QVERIFY(rescan->isEnabled());
        QSignalSpy refreshed(watched, &WatchedFoldersPanel::refreshed);
        watched->refresh(); // the periodic refresh keeps the selection
        QTRY_VERIFY_WITH_TIMEOUT(!refreshed.isEmpty(), 10000);
        QCOMPARE(watched->folders()->selectedItems().size(), 1);
        QCOMPARE(watched->folders()->selectedItems().first()->text(0), folder);

        writeFile(file, "# Tides\n\nTwice a day, about fifty minutes later each day.");
        rescan->click();
        QTRY_COMPARE_WITH_TIMEOUT(fileJobsNamed(m_desktop.baseUrl(), "tides.md"), 2, 20000);
    }

    // "Add folder…": every supported file under the folder, once, even when
    // the folder is chosen twice; the unsupported one is named.
    void addFolderQueuesEverySupportedFileOnce()
    {
        const QString folder = m_desktop.tempPath(QStringLiteral("library"));
        writeFile(folder + QStringLiteral("/maps.md"), "# Maps\n\nOld sea charts.");
        writeFile(folder + QStringLiteral("/deep/compass.txt"), "A compass points north.");
        // A bitmap: no supported type (PNG, JPEG and the like are, read by OCR).
        writeFile(folder + QStringLiteral("/deep/photo.bmp"),
                  QByteArray("BM\x36\0\0\0\0\0", 8) + QByteArray(64, '\0'));
        AddContentPanel *panel = m_desktop.window()->addPanel();
        panel->discardPendingFiles(); // what an earlier test left
        QStringList starts;
        panel->chooser().setChooseFolder(
            [&starts, folder](QWidget *, const QString &, const QString &start) {
                starts.append(start);
                return folder;
            });
        QSignalSpy ready(panel, &AddContentPanel::pendingFilesReady);
        auto *addFolder = panel->findChild<QPushButton *>(QStringLiteral("addFolderButton"));
        QVERIFY(addFolder);
        addFolder->click();
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, 10000);
        // Again from the Watched folders tab: the Add & jobs tab shows where they wait.
        MainWindow *window = m_desktop.window();
        window->tabs()->setCurrentWidget(window->watchedFoldersPanel());
        window->watchedFoldersPanel()
            ->findChild<QPushButton *>(QStringLiteral("addFolderOnceButton"))
            ->click();
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, 10000);
        QCOMPARE(window->tabs()->currentIndex(), 0);
        QCOMPARE(panel->pendingFileCount(), 2);
        QVERIFY(panel->pendingLabel()->text().contains(QLatin1String("photo.bmp")));
        QCOMPARE(starts.last(), folder); // the second dialog opened where the first closed

        panel->findChild<QPushButton *>(QStringLiteral("queuePendingButton"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(documentsNamed(m_desktop.baseUrl(), "maps.md"), 1, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(documentsNamed(m_desktop.baseUrl(), "compass.txt"), 1, 30000);
        QCOMPARE(fileJobsNamed(m_desktop.baseUrl(), "maps.md"), 1);
        QCOMPARE(fileJobsNamed(m_desktop.baseUrl(), "compass.txt"), 1);
        QVERIFY2(panel->messageLabel()->text().contains(QLatin1String("photo.bmp")),
                 qPrintable(panel->messageLabel()->text()));
    }

    // A folder and loose files dropped together, "Keep in sync": the folder is
    // watched, the loose supported file queued, the unsupported one named.
    void looseFilesDroppedWithAFolderAreQueued()
    {
        const QString folder = m_desktop.tempPath(QStringLiteral("journal"));
        writeFile(folder + QStringLiteral("/day1.md"), "# Day 1\n\nSet sail at dawn.");
        const QString loose = m_desktop.tempPath(QStringLiteral("loose/notes.md"));
        writeFile(loose, "# Notes\n\nBring a spare rope.");
        const QString binary = m_desktop.tempPath(QStringLiteral("loose/engine.bin"));
        QByteArray bytes(4096, '\0');
        for (int i = 0; i < bytes.size(); ++i)
            bytes[i] = char((i * 7919) % 251);
        writeFile(binary, bytes);

        AddContentPanel *panel = m_desktop.window()->addPanel();
        panel->discardPendingFiles(); // what an earlier test left
        QSignalSpy ready(panel, &AddContentPanel::pendingFilesReady);
        drop(panel->dropZone(), {folder, loose, binary});
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, 10000);
        QCOMPARE(panel->pendingFileCount(), 2);
        auto *keep = panel->findChild<QPushButton *>(QStringLiteral("keepInSyncButton"));
        QVERIFY(keep && keep->isVisibleTo(panel));
        keep->click();
        QVERIFY2(panel->messageLabel()->text().contains(QLatin1String("engine.bin")),
                 qPrintable(panel->messageLabel()->text()));

        QTRY_VERIFY_WITH_TIMEOUT(!watchOf(m_desktop.baseUrl(), folder).isEmpty(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(documentsNamed(m_desktop.baseUrl(), "day1.md"), 1, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(documentsNamed(m_desktop.baseUrl(), "notes.md"), 1, 30000);
        QCOMPARE(fileJobsNamed(m_desktop.baseUrl(), "notes.md"), 1);
        // The watch's confirmation still names what was skipped.
        QTRY_VERIFY_WITH_TIMEOUT(panel->messageLabel()->text().contains(QLatin1String("Keeping")),
                                 10000);
        QVERIFY2(panel->messageLabel()->text().contains(QLatin1String("engine.bin")),
                 qPrintable(panel->messageLabel()->text()));
    }

    // "Add files…" offers the types the extractors read, then every file, and
    // opens in the folder the last dialog closed in.
    void fileDialogOffersTheSupportedTypes()
    {
        const QString filter = FileChooser::supportedFilter();
        QVERIFY2(filter.startsWith(QLatin1String("Supported documents (")), qPrintable(filter));
        for (const char *pattern :
             {"*.pdf", "*.md", "*.txt", "*.docx", "*.html", "*.odt", "*.eml", "*.csv", "*.json"})
            QVERIFY2(filter.contains(QLatin1String(pattern)), pattern);
        QVERIFY(filter.endsWith(QLatin1String(";;All files (*)")));

        const QString file = m_desktop.tempPath(QStringLiteral("chosen/harbour.txt"));
        writeFile(file, "The harbour is calm.");
        AddContentPanel *panel = m_desktop.window()->addPanel();
        QString offered;
        QStringList starts;
        panel->chooser().setChooseFiles(
            [&](QWidget *, const QString &, const QString &start, const QString &given) {
                offered = given;
                starts.append(start);
                return QStringList{file};
            });
        QSignalSpy ready(panel, &AddContentPanel::pendingFilesReady);
        panel->chooseFiles();
        QCOMPARE(offered, filter);
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, 10000);
        QCOMPARE(FileChooser::lastFolder(), QFileInfo(file).absolutePath());
        panel->chooseFiles();
        QCOMPARE(starts.last(), QFileInfo(file).absolutePath());
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, 10000);
        panel->discardPendingFiles();
    }

private:
    DesktopFixture m_desktop;
};

QTEST_MAIN(TestDesktopWatches)
#include "tst_desktopwatches.moc"
