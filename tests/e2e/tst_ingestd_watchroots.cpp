// Watched folders of tenant-bound admins against the real daemon: a folder
// must lie inside the WATCH_ROOTS open to the key's tenant (the whole host, a
// symlink or ".." leading out, another tenant's root: 403 naming the
// setting), an operator ('*') key may watch anywhere, and deleting a watch
// stops its scan at once; the desktop program opens the home folder by
// default. Inside the roots, a tenant's watch reads no hidden folder and none
// of the daemon's settings and data folders, and each scan checks its folder
// again (swapped for a symlink leading out, or registered by an older version
// without saying who made it: not scanned, last_error says why). No workers: every queued job stays
// in the queue, so its length counts what the scans queued.
#include "daemonprocess.h"
#include "httpclient.h"
#include "redisprocess.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace aether;
using namespace aether::test;

namespace {

const Headers kTenantAdmin{{"x-api-key", "adm-a"}};
const Headers kOtherTenantAdmin{{"x-api-key", "adm-b"}};
const Headers kOperator{{"x-api-key", "adm-all"}};

constexpr int kBulkFiles = 4000;
constexpr int kJobsPerPipeline = 64; // what one enqueue round trip may still carry

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(bytes);
}

} // namespace

class TestIngestdWatchRoots : public QObject
{
    Q_OBJECT

private:
    QString shared() const { return m_work.filePath(QStringLiteral("roots/shared")); }
    QString rootOfB() const { return m_work.filePath(QStringLiteral("roots/b")); }
    QString outside() const { return m_work.filePath(QStringLiteral("outside")); }
    // Inside tenant A's root: the daemon's settings and data folders, a hidden folder.
    QString home() const { return m_work.filePath(QStringLiteral("roots/shared/home")); }
    QString inHome(const char *path) const { return QDir(home()).filePath(QLatin1String(path)); }

    QJsonObject watchListed(const QString &id)
    {
        const QJsonArray watches = m_client->get(QStringLiteral("/ops/watches"), kOperator)
                                       .json()
                                       .value("watches")
                                       .toArray();
        for (const QJsonValue &watch : watches) {
            if (watch.toObject().value("id").toString() == id)
                return watch.toObject();
        }
        return {};
    }

    // A watch registered as a version without the "operator" field did it.
    void registerOldWatch(const QByteArray &id, const QString &path)
    {
        m_redis.command({"HSET", "rq:watch:" + id, "id", id, "path", path.toUtf8(), "source", "old",
                         "patterns", "[\"*.txt\"]", "tenant", "tenA", "origin", "api"});
        m_redis.command({"SADD", "rq:watches", id});
    }

    HttpResult watch(const QString &path, const Headers &key)
    {
        return m_client->postJson(QStringLiteral("/ops/watches"),
                                  {{"path", path}, {"patterns", QJsonArray{"*.txt"}}}, key);
    }

    qint64 queuedJobs() const
    {
        const QByteArray reply = m_redis.command({"LLEN", "rq:queue:ingest"});
        return reply.mid(1).trimmed().toLongLong(); // ":<n>\r\n"
    }

    // Empty when the daemon refused to watch `path` for `key` as it should.
    QString whyNotRefused(const QString &path, const Headers &key)
    {
        const HttpResult reply = watch(path, key);
        const QString error = reply.json().value("error").toString();
        if (reply.status != 403 || !error.contains(QLatin1String("WATCH_ROOTS")))
            return QStringLiteral("%1: %2 %3")
                .arg(path)
                .arg(reply.status)
                .arg(QString::fromUtf8(reply.body));
        return {};
    }

    RedisProcess m_redis;
    DaemonProcess m_daemon;
    QTemporaryDir m_work;
    std::unique_ptr<HttpClient> m_client;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_work.isValid());
        QDir work(m_work.path());
        for (const char *folder :
             {"roots/shared/notes", "roots/shared/bulk", "roots/b", "outside",
              "roots/shared/home/docs", "roots/shared/home/.ssh", "roots/shared/home/conf",
              "roots/shared/home/appdata", "roots/shared/docs"})
            QVERIFY(work.mkpath(QLatin1String(folder)));
        writeFile(inHome("visible.txt"), "Visible.");
        writeFile(inHome("docs/deeper.txt"), "Deeper.");
        writeFile(inHome(".hidden.txt"), "Hidden.");
        writeFile(inHome(".ssh/id_rsa"), "PRIVATE KEY");
        writeFile(inHome("conf/aether-ingestd.conf"), "LOG_LEVEL=info\n");
        writeFile(inHome("appdata/dump.rdb"), "Redis files.");
        writeFile(QDir(shared()).filePath(QStringLiteral("docs/plans.txt")), "Plans.");
        writeFile(QDir(shared()).filePath(QStringLiteral("notes/owls.txt")), "Barn owls.");
        writeFile(QDir(outside()).filePath(QStringLiteral("secret.txt")), "Not for tenants.");
        QVERIFY(QFile::link(outside(), QDir(shared()).filePath(QStringLiteral("exit"))));
        for (int i = 0; i < kBulkFiles; ++i)
            writeFile(QDir(shared()).filePath(QStringLiteral("bulk/file-%1.txt").arg(i)),
                      QByteArray(4096, char('a' + i % 26)) + QByteArray::number(i));

        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QProcessEnvironment env = daemonEnvironment(m_redis, 0);
        env.insert(QStringLiteral("API_KEYS"),
                   QStringLiteral("ed-a:editor:tenA,adm-a:admin:tenA,adm-b:admin:tenB,"
                                  "adm-all:admin:*"));
        env.insert(QStringLiteral("WATCH_ROOTS"), shared() + QStringLiteral(",tenB=") + rootOfB());
        env.insert(QStringLiteral("WATCH_RESCAN"), QStringLiteral("3600"));
        env.insert(QStringLiteral("AETHER_CONFIG"), inHome("conf/aether-ingestd.conf"));
        env.insert(QStringLiteral("AETHER_DATA_DIR"), inHome("appdata"));
        QVERIFY2(m_daemon.start(env), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());
    }

    void aTenantAdminCannotWatchTheHost()
    {
        // The whole host last: a daemon that took it would scan all of it.
        const QStringList refused{
            outside(), QDir(shared()).filePath(QStringLiteral("notes/../../../outside")),
            rootOfB(),                               // tenant B's root is not tenant A's
            QStringLiteral("/nonexistent/anywhere"), // no probing of what exists
            QStringLiteral("/")};
        for (const QString &path : refused) {
            const QString why = whyNotRefused(path, kTenantAdmin);
            QVERIFY2(why.isEmpty(), qPrintable(why));
        }
        const QJsonArray watches = m_client->get(QStringLiteral("/ops/watches"), kOperator)
                                       .json()
                                       .value("watches")
                                       .toArray();
        QVERIFY(watches.isEmpty());
        QCOMPARE(queuedJobs(), 0);
    }

    void aSymlinkInsideARootLeadingOutIsRefused()
    {
        const QString why =
            whyNotRefused(QDir(shared()).filePath(QStringLiteral("exit")), kTenantAdmin);
        QVERIFY2(why.isEmpty(), qPrintable(why));
    }

    void aFolderInsideARootIsWatched()
    {
        const HttpResult reply =
            watch(QDir(shared()).filePath(QStringLiteral("notes")), kTenantAdmin);
        QCOMPARE(reply.status, 200);
        const QJsonObject added = reply.json().value("watch").toObject();
        QCOMPARE(added.value("tenant").toString(), QStringLiteral("tenA"));
        QTRY_COMPARE_WITH_TIMEOUT(queuedJobs(), 1, 20000);
        QCOMPARE(
            m_client
                ->send("DELETE", "/ops/watches/" + added.value("id").toString(), {}, kTenantAdmin)
                .status,
            200);
        QCOMPARE(watch(rootOfB(), kOtherTenantAdmin).status, 200); // its own root
    }

    void anOperatorMayWatchAnywhere()
    {
        const HttpResult reply = watch(outside(), kOperator);
        QCOMPARE(reply.status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(queuedJobs() >= 2, 20000);
        const QString id = reply.json().value("watch").toObject().value("id").toString();
        QCOMPARE(m_client->send("DELETE", "/ops/watches/" + id, {}, kOperator).status, 200);
    }

    // The program's settings and data folders, a hidden folder: 403 for a
    // tenant-bound admin, though they lie inside its root.
    void aTenantAdminCannotWatchTheProgramsOrHiddenFolders()
    {
        for (const char *path : {"conf", "appdata", ".ssh"}) {
            const HttpResult reply = m_client->postJson(
                QStringLiteral("/ops/watches"),
                {{"path", inHome(path)}, {"patterns", QJsonArray{"*"}}}, kTenantAdmin);
            QVERIFY2(reply.status == 403 &&
                         reply.json().value("error").toString().contains(QLatin1String("hidden")),
                     qPrintable(path + QStringLiteral(": %1 %2")
                                           .arg(reply.status)
                                           .arg(QString::fromUtf8(reply.body))));
        }
    }

    // A watch of the folder holding them, pattern "*": only the visible files
    // outside the program's folders are queued.
    void aTenantsScanSkipsHiddenAndTheProgramsFolders()
    {
        const qint64 before = queuedJobs();
        const HttpResult added =
            m_client->postJson(QStringLiteral("/ops/watches"),
                               {{"path", home()}, {"patterns", QJsonArray{"*"}}}, kTenantAdmin);
        QCOMPARE(added.status, 200);
        const QString id = added.json().value("watch").toObject().value("id").toString();
        QTRY_VERIFY_WITH_TIMEOUT(!watchListed(id).value("last_scan_at").isNull(), 20000);
        QCOMPARE(watchListed(id).value("files_tracked").toInt(), 2); // visible.txt, docs/deeper.txt
        QCOMPARE(queuedJobs() - before, 2);
        QCOMPARE(m_client->send("DELETE", "/ops/watches/" + id, {}, kTenantAdmin).status, 200);
    }

    // The watched folder swapped for a symlink leading out of the roots: the
    // next scan does not read it and says why.
    void aWatchedFolderSwappedForASymlinkIsNotScanned()
    {
        const QString docs = QDir(shared()).filePath(QStringLiteral("docs"));
        const qint64 before = queuedJobs();
        const HttpResult added = watch(docs, kTenantAdmin);
        QCOMPARE(added.status, 200);
        const QString id = added.json().value("watch").toObject().value("id").toString();
        QTRY_COMPARE_WITH_TIMEOUT(queuedJobs() - before, 1, 20000);
        QVERIFY(QDir(shared()).rename(QStringLiteral("docs"), QStringLiteral("docs.old")));
        QVERIFY(QFile::link(outside(), docs));
        writeFile(docs + QStringLiteral(".old/poke.txt"), "A change the watcher notices.");
        QTRY_VERIFY_WITH_TIMEOUT(!watchListed(id).value("last_error").isNull(), 20000);
        QVERIFY2(watchListed(id).value("last_error").toString().contains(outside()),
                 qPrintable(watchListed(id).value("last_error").toString()));
        QCOMPARE(queuedJobs() - before, 1); // not outside/secret.txt
        QCOMPARE(m_client->send("DELETE", "/ops/watches/" + id, {}, kTenantAdmin).status, 200);
    }

    // A watch registered before the registry said who made it counts as its
    // tenant's: one outside the roots is not scanned after the upgrade.
    void anOldWatchOutsideTheRootsIsNotScanned()
    {
        const qint64 before = queuedJobs();
        registerOldWatch("old-1", QFileInfo(outside()).canonicalFilePath());
        QTRY_VERIFY_WITH_TIMEOUT(!watchListed(QStringLiteral("old-1")).value("last_error").isNull(),
                                 20000);
        QVERIFY(watchListed(QStringLiteral("old-1"))
                    .value("last_error")
                    .toString()
                    .contains(QLatin1String("WATCH_ROOTS")));
        QCOMPARE(queuedJobs(), before);
        QCOMPARE(m_client->send("DELETE", "/ops/watches/old-1", {}, kOperator).status, 200);
    }

    // "Rescan now": the watch's tenant (or an operator) starts a scan at once
    // (WATCH_RESCAN is an hour here); another tenant's admin, an editor and an
    // unknown id are refused. A change made in place is one the folder
    // notifications do not report: only a scan finds it.
    void rescanNowScansAtOnceForItsTenantOnly()
    {
        const QString folder = QDir(shared()).filePath(QStringLiteral("rescan"));
        QVERIFY(QDir().mkpath(folder));
        const QString file = QDir(folder).filePath(QStringLiteral("tide.txt"));
        writeFile(file, "Tides.");
        const qint64 before = queuedJobs();
        const HttpResult added = watch(folder, kTenantAdmin);
        QCOMPARE(added.status, 200);
        const QString id = added.json().value("watch").toObject().value("id").toString();
        QTRY_COMPARE_WITH_TIMEOUT(queuedJobs() - before, 1, 20000);
        writeFile(file, "Tides rise and fall twice a day.");
        const QString rescan = QStringLiteral("/ops/watches/%1/rescan").arg(id);
        QCOMPARE(m_client->postJson(rescan, {}, kOtherTenantAdmin).status, 404);
        QCOMPARE(m_client->postJson(rescan, {}, {{"x-api-key", "ed-a"}}).status, 403);
        QCOMPARE(
            m_client->postJson(QStringLiteral("/ops/watches/nope/rescan"), {}, kTenantAdmin).status,
            404);
        QCOMPARE(queuedJobs() - before, 1);
        const HttpResult started = m_client->postJson(rescan, {}, kTenantAdmin);
        QCOMPARE(started.status, 202);
        QCOMPARE(started.json().value("id").toString(), id);
        QTRY_COMPARE_WITH_TIMEOUT(queuedJobs() - before, 2, 20000);
        QCOMPARE(m_client->send("DELETE", "/ops/watches/" + id, {}, kTenantAdmin).status, 200);
    }

    void deletingAWatchStopsItsScanAtOnce()
    {
        const qint64 before = queuedJobs();
        const HttpResult added =
            watch(QDir(shared()).filePath(QStringLiteral("bulk")), kTenantAdmin);
        QCOMPARE(added.status, 200);
        const QString id = added.json().value("watch").toObject().value("id").toString();
        // Deleted once its scan is under way (the first jobs queued), so that
        // the delete has a scan to stop.
        QDeadlineTimer giveUp(60000);
        while (queuedJobs() == before && !giveUp.hasExpired())
            QThread::usleep(200);
        QCOMPARE(m_client->send("DELETE", "/ops/watches/" + id, {}, kTenantAdmin).status, 200);
        const qint64 atDelete = queuedJobs();
        QVERIFY2(atDelete > before, "the scan had not started when the watch was deleted");
        QVERIFY2(atDelete - before < kBulkFiles,
                 "the scan had queued every file before the delete: nothing left to stop");
        QTest::qWait(2000);
        const qint64 settled = queuedJobs();
        QTest::qWait(2000);
        const qint64 later = queuedJobs();
        qInfo("bulk watch: %lld jobs at the delete answer, %lld after 2 s, %lld after 4 s",
              atDelete - before, settled - before, later - before);
        QVERIFY2(settled - atDelete <= kJobsPerPipeline,
                 "the deleted watch's scan went on queueing");
        QCOMPARE(later, settled);
        QVERIFY(later - before < kBulkFiles);
    }

    // The desktop program opens the user's home folder by default (run
    // without a window, with HOME in a temporary folder).
    void theDesktopProgramOpensTheHomeFolderByDefault()
    {
        const QString desktop =
            QFileInfo(DaemonProcess::executable()).dir().filePath(QStringLiteral("aether-ingest"));
        if (!QFileInfo(desktop).isExecutable())
            QSKIP("the desktop program is not built");
        QTemporaryDir home;
        QVERIFY(QDir(home.path()).mkpath(QStringLiteral("Notes")));
        const QByteArray daemon = qgetenv("AETHER_INGESTD");
        qputenv("AETHER_INGESTD", desktop.toLocal8Bit()); // DaemonProcess starts what it names
        DaemonProcess program;
        QProcessEnvironment env = daemonEnvironment(m_redis, 0);
        env.insert(QStringLiteral("REDIS_URL"),
                   m_redis.url().replace(QStringLiteral("/0"), QStringLiteral("/1")));
        env.insert(QStringLiteral("API_KEYS"), QStringLiteral("adm-a:admin:tenA"));
        env.insert(QStringLiteral("HOME"), home.path());
        // Its settings (an operator key would be there) and data in the home folder.
        const QString settings =
            QDir(home.path()).filePath(QStringLiteral(".config/aether-ingest"));
        const QString data = QDir(home.path()).filePath(QStringLiteral("appdata"));
        QVERIFY(QDir().mkpath(settings) && QDir().mkpath(data));
        writeFile(settings + QStringLiteral("/aether-ingest.conf"), "# the operator's keys\n");
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), QDir(home.path()).filePath(".config"));
        env.insert(QStringLiteral("AETHER_DATA_DIR"), data);
        const bool started = program.start(env, {QStringLiteral("--headless")});
        qputenv("AETHER_INGESTD", daemon);
        QVERIFY2(started, qPrintable(program.errorText()));
        const HttpClient client(program.baseUrl());
        const auto watchAt = [&client](const QString &path) {
            return client.postJson(QStringLiteral("/ops/watches"), {{"path", path}}, kTenantAdmin)
                .status;
        };
        QCOMPARE(watchAt(QDir(home.path()).filePath(QStringLiteral("Notes"))), 200);
        QCOMPARE(watchAt(outside()), 403);
        // Its settings and data folders are not the tenants', though in the home folder.
        QCOMPARE(watchAt(settings), 403);
        QCOMPARE(watchAt(data), 403);
    }
};

QTEST_GUILESS_MAIN(TestIngestdWatchRoots)
#include "tst_ingestd_watchroots.moc"
