// WatchRoots: which folders a tenant may watch under WATCH_ROOTS, with the
// path resolved so that neither ".." nor a symlink leads out of a root.
#include "watch/watchroots.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace aether;

class TestWatchRoots : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString path(const QString &relative) const { return m_dir.filePath(relative); }
    static QString canonical(const QString &path) { return QFileInfo(path).canonicalFilePath(); }

    WatchRoots parsed(const QString &list)
    {
        QString error;
        const std::optional<WatchRoots> roots = WatchRoots::parse(list, &error);
        if (!roots)
            qWarning("%s", qPrintable(error));
        return roots.value_or(WatchRoots());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        for (const char *folder : {"shared/notes", "a/docs", "b", "outside"})
            QVERIFY(QDir(m_dir.path()).mkpath(QLatin1String(folder)));
        QVERIFY(QFile::link(path(QStringLiteral("outside")), path(QStringLiteral("shared/exit"))));
    }

    void noRootsAllowNothing()
    {
        const WatchRoots roots = parsed(QString());
        QVERIFY(roots.isEmpty());
        QVERIFY(!roots.allows(QStringLiteral("tenA"), canonical(path(QStringLiteral("shared")))));
        QVERIFY(!roots.allows(QStringLiteral("tenA"), QStringLiteral("/")));
    }

    void sharedAndTenantRoots()
    {
        const WatchRoots roots = parsed(path(QStringLiteral("shared")) + QStringLiteral(", tenA=") +
                                        path(QStringLiteral("a")));
        const QString notes = canonical(path(QStringLiteral("shared/notes")));
        const QString docs = canonical(path(QStringLiteral("a/docs")));
        QVERIFY(roots.allows(QStringLiteral("tenA"), notes));
        QVERIFY(roots.allows(QStringLiteral("tenB"), notes));
        QVERIFY(roots.allows(QStringLiteral("tenA"), docs));
        QVERIFY(roots.allows(QStringLiteral("tenA"), canonical(path(QStringLiteral("a")))));
        QVERIFY(!roots.allows(QStringLiteral("tenB"), docs));
        QVERIFY(!roots.allows(QStringLiteral("tenA"), canonical(path(QStringLiteral("b")))));
        QVERIFY(!roots.allows(QStringLiteral("tenA"), canonical(m_dir.path())));
        QVERIFY(!roots.allows(QStringLiteral("tenA"), QString())); // a path that does not exist
        QCOMPARE(roots.describeFor(QStringLiteral("tenB")), path(QStringLiteral("shared")));
    }

    void dotDotAndSymlinksAreResolvedFirst()
    {
        const WatchRoots roots = parsed(path(QStringLiteral("shared")));
        QVERIFY(!roots.allows(QStringLiteral("tenA"),
                              canonical(path(QStringLiteral("shared/notes/../../outside")))));
        QVERIFY(
            !roots.allows(QStringLiteral("tenA"), canonical(path(QStringLiteral("shared/exit")))));
        // A sibling whose name starts like the root is not inside it.
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("shared-not")));
        QVERIFY(
            !roots.allows(QStringLiteral("tenA"), canonical(path(QStringLiteral("shared-not")))));
    }

    void aRootGivenThroughASymlinkCounts()
    {
        QVERIFY(QFile::link(path(QStringLiteral("b")), path(QStringLiteral("b-link"))));
        const WatchRoots roots = parsed(path(QStringLiteral("b-link")));
        QVERIFY(roots.allows(QStringLiteral("tenA"), canonical(path(QStringLiteral("b")))));
    }

    void malformedEntriesAreRefused_data()
    {
        QTest::addColumn<QString>("list");
        QTest::newRow("relative") << QStringLiteral("srv/notes");
        QTest::newRow("tenant, relative") << QStringLiteral("tenA=srv/notes");
        QTest::newRow("bad tenant") << QStringLiteral("ten A=/srv");
    }

    void malformedEntriesAreRefused()
    {
        QFETCH(QString, list);
        QString error;
        QVERIFY(!WatchRoots::parse(list, &error));
        QVERIFY2(error.contains(QLatin1String("WATCH_ROOTS")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestWatchRoots)
#include "tst_watchroots.moc"
