// A worker that lost its lease must not write (fencing), against real
// processes: a --no-server worker is frozen with SIGSTOP while it fetches a
// page, the lease runs out, a second worker process runs the job again and
// stores it; then the first is resumed with SIGCONT and finishes its fetch.
// Its write must be dropped: the document the job ended with stays as it was.
#include "daemonprocess.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <csignal>

using namespace aether;
using namespace aether::test;

namespace {

constexpr int kBodyDelayMs = 3000;

// Answers every request with its headers at once and its body only after
// kBodyDelayMs: the fetch is under way (its connect timeout disarmed, so a
// frozen worker does not time out when resumed) but not done.
class SlowBodyServer : public QThread
{
public:
    ~SlowBodyServer() override
    {
        quit();
        wait();
    }

    quint16 startServing()
    {
        start();
        while (m_port.loadAcquire() == 0)
            QThread::msleep(5);
        return quint16(m_port.loadAcquire());
    }

protected:
    void run() override
    {
        QTcpServer server;
        server.listen(QHostAddress::LocalHost, 0);
        QObject::connect(&server, &QTcpServer::newConnection, &server, [&server] {
            while (QTcpSocket *socket = server.nextPendingConnection()) {
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket] {
                    if (!socket->readAll().contains("\r\n\r\n") ||
                        socket->property("answered").toBool())
                        return;
                    socket->setProperty("answered", true);
                    const QByteArray body = "A page whose body takes its time to arrive.";
                    socket->write(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                        QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n");
                    QTimer::singleShot(kBodyDelayMs, socket, [socket, body] {
                        socket->write(body);
                        socket->disconnectFromHost();
                    });
                });
                QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
        m_port.storeRelease(server.serverPort());
        exec();
    }

private:
    QAtomicInt m_port{0};
};

QProcessEnvironment environment(const RedisProcess &redis, const QString &store, int workers)
{
    QProcessEnvironment env = daemonEnvironment(redis, workers);
    env.insert(QStringLiteral("DATABASE_URL"), QStringLiteral("sqlite:///") + store);
    env.insert(QStringLiteral("URL_ALLOW_PRIVATE"), QStringLiteral("1")); // the page is on loopback
    return env;
}

QList<qint64> documentIds(const QString &database)
{
    QList<qint64> ids;
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        db.setDatabaseName(database);
        db.open();
        QSqlQuery query(QStringLiteral("SELECT id FROM documents ORDER BY id"), db);
        while (query.next())
            ids.append(query.value(0).toLongLong());
    }
    QSqlDatabase::removeDatabase(QStringLiteral("check"));
    return ids;
}

QJsonObject jobOf(const HttpClient &client, const QString &id)
{
    return client.get(QStringLiteral("/ops/jobs/") + id, kAdmin).json();
}

} // namespace

class TestIngestdFencing : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aResumedWorkerPastItsLeaseDoesNotWrite()
    {
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("shared.db"));
        SlowBodyServer site;
        const quint16 sitePort = site.startServing();
        RedisProcess redis;
        QVERIFY2(redis.start(), qPrintable(redis.errorText()));
        DaemonProcess api;
        QVERIFY2(api.start(environment(redis, store, 0)), qPrintable(api.errorText()));
        const HttpClient client(api.baseUrl());

        DaemonProcess frozen;
        QVERIFY(frozen.start(environment(redis, store, 1), {QStringLiteral("--no-server")}));
        const QString url = QStringLiteral("http://127.0.0.1:%1/page").arg(sitePort);
        const QString id =
            client.postJson(QStringLiteral("/knowledge/ingest-url-async"), {{"url", url}}, kEditor)
                .json()
                .value("job_id")
                .toString();
        QVERIFY(!id.isEmpty());
        const QString frozenPid = QString::number(frozen.pid());
        QTRY_VERIFY_WITH_TIMEOUT(
            jobOf(client, id).value("stage").toString() == QLatin1String("fetching"), 10000);
        QVERIFY(jobOf(client, id).value("worker_name").toString().contains(frozenPid));
        const pid_t frozenProcess = pid_t(frozen.pid());
        QCOMPARE(::kill(frozenProcess, SIGSTOP), 0);
        const auto resumeOnFailure =
            qScopeGuard([frozenProcess] { ::kill(frozenProcess, SIGCONT); });

        // Its lease runs out; another worker process takes the job back, runs it and stores it.
        DaemonProcess rescuer;
        QVERIFY(rescuer.start(environment(redis, store, 1), {QStringLiteral("--no-server")}));
        const QJsonObject finished = waitForJob(client, id, nullptr, 60000);
        QCOMPARE(finished.value("status").toString(), QStringLiteral("finished"));
        QVERIFY(!finished.value("worker_name").toString().contains(frozenPid));
        const qint64 documentId =
            finished.value("result").toObject().value("document_id").toInteger();
        QVERIFY(documentId > 0);
        QCOMPARE(documentIds(store), QList<qint64>{documentId});
        rescuer.stop();

        // The frozen worker wakes up, gets its page and reaches its write.
        QCOMPARE(::kill(frozenProcess, SIGCONT), 0);
        QTRY_VERIFY_WITH_TIMEOUT(frozen.log().contains(QStringLiteral("outcome is dropped")),
                                 30000);
        QCOMPARE(documentIds(store), QList<qint64>{documentId});
        QVERIFY2(frozen.log().contains(QStringLiteral("write was dropped")),
                 qPrintable(frozen.log()));
        const QJsonObject after = jobOf(client, id);
        QCOMPARE(after.value("status").toString(), QStringLiteral("finished"));
        QCOMPARE(after.value("result").toObject().value("document_id").toInteger(), documentId);
        int finishedAttempts = 0;
        for (const QJsonValue &entry : after.value("history").toArray())
            finishedAttempts +=
                entry.toObject().value("outcome").toString() == QLatin1String("finished");
        QVERIFY2(finishedAttempts == 1, QJsonDocument(after).toJson().constData());
        frozen.stop();
    }
};

QTEST_GUILESS_MAIN(TestIngestdFencing)
#include "tst_ingestd_fencing.moc"
