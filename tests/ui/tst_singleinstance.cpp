// One desktop instance per data folder: a second one is told, once, which
// process runs and what to do; a lock left by a crashed instance does not
// keep the next start out.
#include "desktop/singleinstance.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace aether;

class TestSingleInstance : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aSecondInstanceIsToldWhoRuns()
    {
        QTemporaryDir dir;
        auto first = std::make_unique<SingleInstance>(dir.path());
        QVERIFY(first->acquire());
        SingleInstance second(dir.path());
        QVERIFY(!second.acquire());
        QCOMPARE(second.holderPid(), QCoreApplication::applicationPid());
        const QString message = second.alreadyRunningMessage();
        QVERIFY(message.contains(QString::number(QCoreApplication::applicationPid())));
        QVERIFY(message.contains(QDir::toNativeSeparators(dir.path())));
        QVERIFY(message.contains(QLatin1String("--data-dir")));

        first.reset(); // the first one quits
        SingleInstance third(dir.path());
        QVERIFY(third.acquire());
    }

    void aCrashedInstanceDoesNotKeepTheNextOut()
    {
        QTemporaryDir dir;
        QFile stale(dir.filePath(QStringLiteral("aether-ingest.lock")));
        QVERIFY(stale.open(QIODevice::WriteOnly));
        // QLockFile's format: pid, application name, host name; this pid is
        // above Linux's pid_max, so no live process has it.
        stale.write("4194305\naether-ingest\n" + QSysInfo::machineHostName().toUtf8() + "\n");
        stale.close();
        SingleInstance next(dir.path());
        QVERIFY(next.acquire());
    }

    void otherDataFoldersRunSideBySide()
    {
        QTemporaryDir one, two;
        SingleInstance first(one.path()), second(two.path());
        QVERIFY(first.acquire());
        QVERIFY(second.acquire());
    }
};

QTEST_MAIN(TestSingleInstance)
#include "tst_singleinstance.moc"
