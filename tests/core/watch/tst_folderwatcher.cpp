// FolderWatcher: what a scan reports for new, changed, unchanged, unmatched
// and deleted files, what it catches from a previous run's hashes, and that
// change notifications lead to one debounced scan.
#include "watch/folderwatcher.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace aether;

namespace {

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(bytes);
}

QStringList changedPaths(const QSignalSpy &spy)
{
    QStringList paths;
    for (const QList<QVariant> &call : spy) {
        for (const FileChange &change : call.at(0).value<QList<FileChange>>())
            paths.append(change.relativePath);
    }
    paths.sort();
    return paths;
}

} // namespace

class TestFolderWatcher : public QObject
{
    Q_OBJECT

private:
    WatchedFolder folderAt(const QString &path)
    {
        WatchedFolder folder;
        folder.id = "w1";
        folder.path = path;
        folder.source = QStringLiteral("notes");
        folder.patterns = {QStringLiteral("*.md"), QStringLiteral("*.txt")};
        return folder;
    }

private Q_SLOTS:
    void scansReportNewChangedAndDeletedFiles()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("sub")));
        writeFile(dir.filePath(QStringLiteral("a.md")), "alpha");
        writeFile(dir.filePath(QStringLiteral("sub/b.txt")), "beta");
        writeFile(dir.filePath(QStringLiteral("c.bin")), "not matched");
        FolderWatcher watcher(folderAt(dir.path()), {}, 60000);
        QSignalSpy changed(&watcher, &FolderWatcher::filesChanged);
        QSignalSpy removed(&watcher, &FolderWatcher::filesRemoved);
        watcher.scanNow();
        QCOMPARE(changedPaths(changed), QStringList({"a.md", "sub/b.txt"}));
        QCOMPARE(watcher.state().filesTracked, 2);

        changed.clear();
        watcher.scanNow(); // nothing happened
        QVERIFY(changed.isEmpty());

        QFile::remove(dir.filePath(QStringLiteral("a.md")));
        writeFile(dir.filePath(QStringLiteral("a.md")), "alpha"); // same bytes, new file
        writeFile(dir.filePath(QStringLiteral("sub/b.txt")), "beta, longer now");
        watcher.scanNow();
        QCOMPARE(changedPaths(changed), QStringList({"sub/b.txt"}));

        QFile::remove(dir.filePath(QStringLiteral("sub/b.txt")));
        watcher.scanNow();
        QCOMPARE(removed.size(), 1);
        QCOMPARE(removed.first().at(0).toStringList(), QStringList({"sub/b.txt"}));
        QCOMPARE(watcher.state().filesTracked, 1);
    }

    void aStoppedWatcherScansNoMore()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("a.md")), "alpha");
        FolderWatcher watcher(folderAt(dir.path()), {}, 60000);
        QSignalSpy changed(&watcher, &FolderWatcher::filesChanged);
        QSignalSpy scanned(&watcher, &FolderWatcher::scanned);
        watcher.stopFlag()->store(true); // as WatchService::stopScan does from another thread
        watcher.scanNow();
        QVERIFY(changed.isEmpty());
        QVERIFY(scanned.isEmpty());
    }

    void symlinksLeadingOutOfTheFolderAreSkipped()
    {
        QTemporaryDir dir;
        QTemporaryDir outside;
        writeFile(outside.filePath(QStringLiteral("secret.txt")), "not the tenant's");
        writeFile(dir.filePath(QStringLiteral("own.md")), "inside");
        QVERIFY(QFile::link(outside.filePath(QStringLiteral("secret.txt")),
                            dir.filePath(QStringLiteral("secret.txt"))));
        QVERIFY(QFile::link(dir.filePath(QStringLiteral("own.md")),
                            dir.filePath(QStringLiteral("alias.md"))));
        FolderWatcher watcher(folderAt(dir.path()), {}, 60000);
        QSignalSpy changed(&watcher, &FolderWatcher::filesChanged);
        watcher.scanNow();
        QCOMPARE(changedPaths(changed), QStringList({"alias.md", "own.md"}));

        // The operator's folders from the settings follow every link, as before.
        WatchedFolder configured = folderAt(dir.path());
        configured.origin = QStringLiteral("settings");
        FolderWatcher operatorWatcher(configured, {}, 60000);
        QSignalSpy operatorChanged(&operatorWatcher, &FolderWatcher::filesChanged);
        operatorWatcher.scanNow();
        QCOMPARE(changedPaths(operatorChanged), QStringList({"alias.md", "own.md", "secret.txt"}));
    }

    void theFirstScanCatchesWhatChangedWhileClosed()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("same.md")), "unchanged");
        writeFile(dir.filePath(QStringLiteral("edited.md")), "edited while closed");
        const QByteArray same =
            QCryptographicHash::hash("unchanged", QCryptographicHash::Sha256).toHex();
        const QHash<QString, QByteArray> known{{QStringLiteral("same.md"), same},
                                               {QStringLiteral("edited.md"), "old"},
                                               {QStringLiteral("gone.md"), "old"}};
        FolderWatcher watcher(folderAt(dir.path()), known, 60000);
        QSignalSpy changed(&watcher, &FolderWatcher::filesChanged);
        QSignalSpy removed(&watcher, &FolderWatcher::filesRemoved);
        watcher.scanNow();
        QCOMPARE(changedPaths(changed), QStringList({"edited.md"}));
        QCOMPARE(removed.first().at(0).toStringList(), QStringList({"gone.md"}));
    }

    void notificationsAreDebouncedIntoOneScan()
    {
        QTemporaryDir dir;
        FolderWatcher watcher(folderAt(dir.path()), {}, 60000);
        QSignalSpy scanned(&watcher, &FolderWatcher::scanned);
        QSignalSpy changed(&watcher, &FolderWatcher::filesChanged);
        watcher.start();
        QCOMPARE(scanned.size(), 1);
        for (int i = 0; i < 3; ++i) {
            writeFile(dir.filePath(QStringLiteral("n%1.md").arg(i)), "x");
            QTest::qWait(100);
        }
        QTRY_COMPARE_WITH_TIMEOUT(scanned.size(), 2, 5000);
        QCOMPARE(changedPaths(changed), QStringList({"n0.md", "n1.md", "n2.md"}));
        QTest::qWait(FolderWatcher::kDebounceMs + 300);
        QCOMPARE(scanned.size(), 2);
    }

    // A watch no operator made: hidden names and the program's folders are
    // not read, and a folder swapped for a symlink leading out is not scanned.
    void aFencedScanSkipsHiddenAndProgramFoldersAndChecksTheFolderAgain()
    {
        QTemporaryDir dir;
        const QString root = QFileInfo(dir.path()).canonicalFilePath();
        QDir base(root);
        for (const char *folder : {"home/.ssh", "home/data", "home/docs", "outside"})
            QVERIFY(base.mkpath(QLatin1String(folder)));
        writeFile(base.filePath(QStringLiteral("home/a.md")), "alpha");
        writeFile(base.filePath(QStringLiteral("home/docs/b.txt")), "beta");
        writeFile(base.filePath(QStringLiteral("home/.hidden.txt")), "hidden");
        writeFile(base.filePath(QStringLiteral("home/.ssh/key.txt")), "key");
        writeFile(base.filePath(QStringLiteral("home/data/store.txt")), "store");
        writeFile(base.filePath(QStringLiteral("outside/secret.txt")), "secret");
        QString error;
        const auto fence = std::make_shared<const WatchFence>(
            *WatchRoots::parse(base.filePath(QStringLiteral("home")), &error),
            QStringList{base.filePath(QStringLiteral("home/data"))});
        FolderWatcher watcher(folderAt(base.filePath(QStringLiteral("home"))), {}, 60000, fence);
        QSignalSpy changed(&watcher, &FolderWatcher::filesChanged);
        watcher.scanNow();
        QCOMPARE(changedPaths(changed), QStringList({"a.md", "docs/b.txt"}));
        QVERIFY(watcher.state().lastError.isEmpty());

        QVERIFY(base.rename(QStringLiteral("home/docs"), QStringLiteral("home/docs.old")));
        QVERIFY(QFile::link(base.filePath(QStringLiteral("outside")),
                            base.filePath(QStringLiteral("home/docs"))));
        changed.clear();
        watcher.scanNow(); // the symlinked folder inside is not followed
        QCOMPARE(changedPaths(changed), QStringList({"docs.old/b.txt"}));

        FolderWatcher swapped(folderAt(base.filePath(QStringLiteral("home/docs"))), {}, 60000,
                              fence);
        QSignalSpy swappedChanged(&swapped, &FolderWatcher::filesChanged);
        swapped.scanNow();
        QVERIFY(swappedChanged.isEmpty());
        QVERIFY2(swapped.state().lastError.contains(base.filePath(QStringLiteral("outside"))),
                 qPrintable(swapped.state().lastError));
    }

    void aMissingFolderIsReportedNotEmptied()
    {
        FolderWatcher watcher(folderAt(QStringLiteral("/nonexistent/aether-watch")),
                              {{QStringLiteral("kept.md"), "h"}}, 60000);
        QSignalSpy removed(&watcher, &FolderWatcher::filesRemoved);
        watcher.scanNow();
        QVERIFY(removed.isEmpty());
        QVERIFY(watcher.state().lastError.contains(QStringLiteral("does not exist")));
    }
};

QTEST_GUILESS_MAIN(TestFolderWatcher)
#include "tst_folderwatcher.moc"
