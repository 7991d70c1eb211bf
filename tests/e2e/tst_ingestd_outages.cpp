// What the daemon does when what it stands on fails, against real processes:
// the store file deleted while it runs, a damaged store file, a store locked by
// another process at start, and a Redis still loading its data after a restart.
#include "daemonprocess.h"
#include "freeport.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace aether;
using namespace aether::test;

namespace {

QProcessEnvironment environment(const RedisProcess &redis, const QString &store, int workers)
{
    QProcessEnvironment env = daemonEnvironment(redis, workers);
    env.insert(QStringLiteral("DATABASE_URL"), QStringLiteral("sqlite:///") + store);
    env.insert(QStringLiteral("RETRY_BACKOFF_MS"), QStringLiteral("200"));
    return env;
}

QString submitText(const HttpClient &client, const QString &text)
{
    return client
        .postJson(QStringLiteral("/knowledge/ingest-text-async"), {{"text", text}}, kEditor)
        .json()
        .value("job_id")
        .toString();
}

void removeStoreFiles(const QString &store)
{
    for (const char *suffix : {"", "-wal", "-shm"})
        QFile::remove(store + QLatin1String(suffix));
}

// The first line of a RESP reply from a redis-server on `port`, or empty.
QByteArray respLine(quint16 port, const QByteArray &inlineCommand)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(500))
        return {};
    socket.write(inlineCommand + "\r\n");
    socket.waitForBytesWritten(500);
    QByteArray reply;
    while (!reply.contains("\r\n") && socket.waitForReadyRead(2000))
        reply += socket.readAll();
    return reply.left(reply.indexOf("\r\n"));
}

// A redis-server on a fixed port and data folder, so that it can be restarted
// onto a data set that takes a while to load (RedisProcess waits for PONG).
class LoadingRedis
{
public:
    explicit LoadingRedis(quint16 port) : m_port(port) {}
    ~LoadingRedis() { stop(); }

    QString dataDir() const { return m_dir.path(); }
    QString url() const { return QStringLiteral("redis://127.0.0.1:%1/0").arg(m_port); }

    // Waits until it accepts connections (answering PONG or LOADING).
    bool start()
    {
        const QString server = qEnvironmentVariable("AETHER_REDIS_SERVER");
        m_process.start(server.isEmpty() ? QStringLiteral("redis-server") : server,
                        {QStringLiteral("--port"), QString::number(m_port),
                         QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                         QStringLiteral("--dir"), m_dir.path(), QStringLiteral("--save"), QString(),
                         QStringLiteral("--appendonly"), QStringLiteral("no"),
                         // Slow loading down (1 ms a key) and answer clients often meanwhile.
                         QStringLiteral("--key-load-delay"), QStringLiteral("1000"),
                         QStringLiteral("--loading-process-events-interval-bytes"),
                         QStringLiteral("1024")});
        if (!m_process.waitForStarted(5000))
            return false;
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 5000 && m_process.state() == QProcess::Running) {
            if (!respLine(m_port, "PING").isEmpty())
                return true;
            QThread::msleep(20);
        }
        return false;
    }

    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(5000)) {
            m_process.kill();
            m_process.waitForFinished(2000);
        }
    }

private:
    quint16 m_port;
    QTemporaryDir m_dir;
    QProcess m_process;
};

} // namespace

class TestIngestdOutages : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aStoreDeletedWhileRunningIsNoticed()
    {
        RedisProcess redis;
        QVERIFY2(redis.start(), qPrintable(redis.errorText()));
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("knowledge.db"));
        DaemonProcess daemon;
        QVERIFY2(daemon.start(environment(redis, store, 1)), qPrintable(daemon.errorText()));
        const HttpClient client(daemon.baseUrl());
        const QJsonObject before =
            waitForJob(client, submitText(client, QStringLiteral("written before")));
        QCOMPARE(before.value("status").toString(), QStringLiteral("finished"));
        const qint64 documentId =
            before.value("result").toObject().value("document_id").toInteger();
        QVERIFY(documentId > 0);
        QCOMPARE(client.get(QStringLiteral("/healthz")).status, 200);

        // Opens the routes' own connection while the file is there.
        QCOMPARE(client.send("DELETE", QStringLiteral("/knowledge/documents/999999"), {}, kEditor)
                     .status,
                 404);

        removeStoreFiles(store);
        // No job may end finished with a document that is nowhere: each write
        // fails as transient, is retried, and fails for good.
        QStringList ids;
        for (int i = 0; i < 3; ++i)
            ids.append(submitText(client, QStringLiteral("written after the deletion %1").arg(i)));
        for (const QString &id : ids) {
            const QJsonObject job = waitForJob(client, id, nullptr, 30000);
            QVERIFY2(job.value("status").toString() == QLatin1String("failed"),
                     QJsonDocument(job).toJson().constData());
            QVERIFY2(job.value("error").toString().startsWith(QStringLiteral("StoreError: ")),
                     qPrintable(job.value("error").toString()));
            QCOMPARE(job.value("attempts").toInt(), 3);
        }
        const HttpResult health = client.get(QStringLiteral("/healthz"));
        QCOMPARE(health.status, 503);
        QCOMPARE(health.json().value("ok").toBool(true), false);
        QCOMPARE(health.json().value("store").toString(), QStringLiteral("missing"));
        QVERIFY(health.json().value("error").toString().contains(QStringLiteral("missing")));
        // A restored file is another file to the open process: only a restart helps.
        QVERIFY2(health.json().value("error").toString().contains(QStringLiteral("restart")),
                 health.body.constData());
        // /healthz is public: the store's path is for the log only.
        QVERIFY2(!health.body.contains(dir.path().toUtf8()), health.body.constData());

        // The maintenance writes are refused too, not committed into the lost file.
        const HttpResult removed = client.send(
            "DELETE", QStringLiteral("/knowledge/documents/%1").arg(documentId), {}, kEditor);
        QVERIFY2(removed.status == 503, removed.body.constData());
        QVERIFY2(
            removed.json().value("error").toString().startsWith(QStringLiteral("store missing")),
            removed.body.constData());
        const HttpResult reindex = client.post(QStringLiteral("/ops/reindex"), {}, kAdmin);
        QVERIFY2(reindex.status == 200, reindex.body.constData());
        const QJsonObject reindexed =
            waitForJob(client, reindex.json().value("job_id").toString(), nullptr, 30000);
        QVERIFY2(reindexed.value("status").toString() == QLatin1String("failed"),
                 QJsonDocument(reindexed).toJson().constData());
        QVERIFY2(reindexed.value("error").toString().startsWith(QStringLiteral("StoreError: ")),
                 qPrintable(reindexed.value("error").toString()));

        QVERIFY(!QFile::exists(store)); // nothing recreated an empty store behind the operator
        QVERIFY(daemon.isRunning());
    }

    void aCorruptStoreIsReportedByHealth()
    {
        RedisProcess redis;
        QVERIFY2(redis.start(), qPrintable(redis.errorText()));
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("knowledge.db"));
        {
            DaemonProcess first;
            QVERIFY2(first.start(environment(redis, store, 1)), qPrintable(first.errorText()));
            const HttpClient client(first.baseUrl());
            QStringList ids;
            for (int i = 0; i < 40; ++i)
                ids.append(
                    submitText(client, QStringLiteral("Document %1 about pages and more pages. ")
                                           .arg(i)
                                           .repeated(60)));
            for (const QString &id : ids)
                QCOMPARE(waitForJob(client, id).value("status").toString(),
                         QStringLiteral("finished"));
        }
        {
            // Everything in the main file, so that damaging it damages the store.
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("checkpoint"));
            db.setDatabaseName(store);
            QVERIFY(db.open());
            QSqlQuery(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"), db);
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("checkpoint"));
        QFile file(store);
        QVERIFY(file.open(QIODevice::ReadWrite));
        const qint64 size = file.size();
        QVERIFY2(size > 128 * 1024, qPrintable(QString::number(size)));
        file.seek(size / 2); // the header and the schema stay readable: the daemon starts
        file.write(QByteArray(size / 4, '\x5a'));
        file.close();

        DaemonProcess daemon;
        daemon.start(
            environment(redis, store, 1)); // /healthz may be 503 at once: not an error here
        QVERIFY2(daemon.isRunning(), qPrintable(daemon.log()));
        const HttpClient client(daemon.baseUrl());
        QTRY_COMPARE_WITH_TIMEOUT(client.get(QStringLiteral("/healthz")).status, 503, 30000);
        const QJsonObject health = client.get(QStringLiteral("/healthz")).json();
        QCOMPARE(health.value("store").toString(), QStringLiteral("corrupt"));
        QVERIFY(health.value("error").toString().contains(QStringLiteral("corrupt")));
        // Public: neither the path nor quick_check's findings.
        const QString error = health.value("error").toString();
        QVERIFY2(!error.contains(dir.path()) && !error.contains(QStringLiteral("quick_check")),
                 qPrintable(error));
    }

    void aWorkerMeetingALockedStoreAtStartWaitsForIt()
    {
        RedisProcess redis;
        QVERIFY2(redis.start(), qPrintable(redis.errorText()));
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("knowledge.db"));
        DaemonProcess api;
        QVERIFY2(api.start(environment(redis, store, 0)), qPrintable(api.errorText()));
        const HttpClient client(api.baseUrl());
        {
            // Another process (a backup, a long maintenance) holds the write lock.
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("locker"));
            db.setDatabaseName(store);
            QVERIFY(db.open());
            QSqlQuery lock(db);
            QVERIFY(lock.exec(QStringLiteral("BEGIN EXCLUSIVE")));
            DaemonProcess worker;
            QVERIFY(worker.start(environment(redis, store, 1), {QStringLiteral("--no-server")}));
            const QString id = submitText(client, QStringLiteral("waits for the lock"));
            // SQLite's busy timeout is 30 s: past it the worker used to exit.
            QTest::qWait(34000);
            QVERIFY2(worker.isRunning(), qPrintable(worker.log()));
            QVERIFY2(worker.log().contains(QStringLiteral("locked")), qPrintable(worker.log()));
            QCOMPARE(client.get(QStringLiteral("/ops/jobs/") + id, kAdmin)
                         .json()
                         .value("status")
                         .toString(),
                     QStringLiteral("queued"));
            QVERIFY(lock.exec(QStringLiteral("COMMIT")));
            QCOMPARE(waitForJob(client, id, nullptr, 60000).value("status").toString(),
                     QStringLiteral("finished"));
            worker.stop();
            QCOMPARE(worker.exitCode(), 0);
            lock.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("locker"));
    }

    void redisLoadingItsDataAnswers503()
    {
        // A data set big enough to take seconds to load (1 ms a key).
        RedisProcess seed;
        QVERIFY2(seed.start(), qPrintable(seed.errorText()));
        QVERIFY(
            seed.command({"EVAL",
                          "for i = 1, 20000 do redis.call('SET', 'filler:' .. i, i) end return 1",
                          "0"})
                .startsWith(":1"));
        QVERIFY(seed.command({"SAVE"}).startsWith("+OK"));
        const QList<QByteArray> dirReply = seed.command({"CONFIG", "GET", "dir"}).split('\n');
        const QString seedDump =
            QString::fromUtf8(dirReply.value(4).trimmed()) + QStringLiteral("/dump.rdb");
        QVERIFY2(QFile::exists(seedDump), qPrintable(seedDump));

        LoadingRedis redis(freePort());
        QVERIFY(redis.start());
        QProcessEnvironment env = daemonEnvironment(seed, 0);
        env.insert(QStringLiteral("REDIS_URL"), redis.url());
        DaemonProcess daemon;
        QVERIFY2(daemon.start(env), qPrintable(daemon.errorText()));
        const HttpClient client(daemon.baseUrl());

        redis.stop();
        QVERIFY(QFile::copy(seedDump, redis.dataDir() + QStringLiteral("/dump.rdb")));
        QVERIFY(redis.start());
        // While it loads, every request that needs the queue says so.
        HttpResult submit;
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 15000) {
            submit = client.postJson(QStringLiteral("/knowledge/ingest-text-async"),
                                     {{"text", "while loading"}}, kEditor);
            const QString error = submit.json().value("error").toString();
            // Until the restarted server listens, Redis is merely unreachable.
            if (submit.status != 503 || error.contains(QStringLiteral("loading")) ||
                error.contains(QStringLiteral("refused")))
                break;
            QThread::msleep(20);
        }
        QCOMPARE(submit.status, 503);
        QVERIFY2(submit.json().value("error").toString().startsWith(
                     QStringLiteral("queue unavailable: Redis is loading")),
                 submit.body.constData());
        const HttpResult health = client.get(QStringLiteral("/healthz"));
        QCOMPARE(health.status, 503);
        QVERIFY2(health.json().value("error").toString().startsWith(
                     QStringLiteral("queue unavailable: Redis is loading")),
                 health.body.constData());
        // Once loaded, the same request is accepted.
        QTRY_COMPARE_WITH_TIMEOUT(client
                                      .postJson(QStringLiteral("/knowledge/ingest-text-async"),
                                                {{"text", "after loading"}}, kEditor)
                                      .status,
                                  200, 60000);
    }
};

QTEST_GUILESS_MAIN(TestIngestdOutages)
#include "tst_ingestd_outages.moc"
