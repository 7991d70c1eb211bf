// WatchFence: what a tenant's watch may read (inside its roots, not hidden,
// not the program's folders, whether they exist yet or not).
#include "watch/watchfence.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace aether;

class TestWatchFence : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void refusesHiddenAndProgramFoldersInsideTheRoots()
    {
        QTemporaryDir dir;
        QDir base(QFileInfo(dir.path()).canonicalFilePath());
        for (const char *folder : {"home/Notes", "home/.ssh/keys", "home/conf", "home/data/sub"})
            QVERIFY(base.mkpath(QLatin1String(folder)));
        QString error;
        const WatchFence fence(*WatchRoots::parse(base.filePath(QStringLiteral("home")), &error),
                               {base.filePath(QStringLiteral("home/conf")),
                                base.filePath(QStringLiteral("home/data")),
                                base.filePath(QStringLiteral("home/store-later")), QString()});
        const auto refused = [&](const char *path) {
            const QString full = base.filePath(QLatin1String(path));
            return fence.refusal(QStringLiteral("tenA"), full, full);
        };
        QVERIFY(refused("home").isEmpty()); // holds them: its scans skip them
        QVERIFY(refused("home/Notes").isEmpty());
        for (const char *path :
             {"home/.ssh", "home/.ssh/keys", "home/conf", "home/data/sub", "home/store-later"})
            QVERIFY2(refused(path).contains(QLatin1String("hidden")), path);
        QVERIFY(refused("elsewhere").contains(QLatin1String("WATCH_ROOTS")));
        QVERIFY(!fence.refusal(QStringLiteral("tenA"), QString(), QStringLiteral("x")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestWatchFence)
#include "tst_watchfence.moc"
