// Watched folders end to end against the real daemon: a watched temporary
// folder picks up a new file, re-ingests a changed one, ignores an unchanged
// save and removes the document of a deleted one; the watch shows its state.
#include "daemonprocess.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace aether;
using namespace aether::test;

namespace {

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(bytes);
}

} // namespace

class TestIngestdWatches : public QObject
{
    Q_OBJECT

private:
    // The watched source's documents with this file name.
    QList<QJsonObject> documentsNamed(const QString &fileName)
    {
        QList<QJsonObject> found;
        const QJsonObject page =
            m_client->get(QStringLiteral("/knowledge/documents?source=watched"), kEditor).json();
        for (const QJsonValue &document : page.value("documents").toArray()) {
            if (document.toObject().value("filename").toString() == fileName)
                found.append(document.toObject());
        }
        return found;
    }

    // Waits until the documents named `fileName` satisfy `done`; returns them.
    QList<QJsonObject> waitForDocuments(const QString &fileName,
                                        const std::function<bool(const QList<QJsonObject> &)> &done,
                                        int timeoutMs = 20000)
    {
        QElapsedTimer timer;
        timer.start();
        QList<QJsonObject> documents = documentsNamed(fileName);
        while (!done(documents) && timer.elapsed() < timeoutMs) {
            QThread::msleep(100);
            documents = documentsNamed(fileName);
        }
        return documents;
    }

    int fileJobCount()
    {
        return int(m_client->get(QStringLiteral("/ops/jobs?type=file&limit=500"), kAdmin)
                       .json()
                       .value("jobs")
                       .toArray()
                       .size());
    }

    RedisProcess m_redis;
    DaemonProcess m_daemon;
    QTemporaryDir m_folder;
    std::unique_ptr<HttpClient> m_client;
    QString m_watchId;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QProcessEnvironment env = daemonEnvironment(m_redis, 1);
        env.insert(QStringLiteral("WATCH_RESCAN"), QStringLiteral("2"));
        QVERIFY2(m_daemon.start(env), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());
        QVERIFY(QDir(m_folder.path()).mkdir(QStringLiteral("notes")));
    }

    void aWatchIsAddedAndListed()
    {
        const HttpResult added = m_client->postJson(QStringLiteral("/ops/watches"),
                                                    {{"path", m_folder.path()},
                                                     {"source", "watched"},
                                                     {"patterns", QJsonArray{"*.md", "*.txt"}}},
                                                    kAdmin);
        QCOMPARE(added.status, 200);
        m_watchId = added.json().value("watch").toObject().value("id").toString();
        QVERIFY(!m_watchId.isEmpty());
        QCOMPARE(
            m_client->postJson(QStringLiteral("/ops/watches"), {{"path", "relative/path"}}, kAdmin)
                .status,
            422);
        QCOMPARE(m_client->get(QStringLiteral("/ops/watches"), kEditor).status, 403);
    }

    void aNewFileIsIngested()
    {
        writeFile(m_folder.filePath(QStringLiteral("notes/owls.md")),
                  "# Owls\n\nBarn owls hunt by sound alone.\n");
        writeFile(m_folder.filePath(QStringLiteral("ignored.bin")), "not matched");
        const QList<QJsonObject> documents = waitForDocuments(
            QStringLiteral("notes/owls.md"), [](const auto &found) { return found.size() == 1; });
        QCOMPARE(documents.size(), 1);
        QVERIFY(documentsNamed(QStringLiteral("ignored.bin")).isEmpty());

        const QJsonArray watches =
            m_client->get(QStringLiteral("/ops/watches"), kAdmin).json().value("watches").toArray();
        QCOMPARE(watches.size(), 1);
        const QJsonObject watch = watches.first().toObject();
        QCOMPARE(watch.value("files_tracked").toInt(), 1);
        QVERIFY(!watch.value("last_scan_at").toString().isEmpty());
        QVERIFY(watch.value("last_error").isNull());
    }

    void aChangedFileIsReingestedAndAnUnchangedSaveIgnored()
    {
        const QString name = QStringLiteral("notes/owls.md");
        const QJsonObject before = documentsNamed(name).value(0);
        writeFile(m_folder.filePath(name),
                  "# Owls\n\nBarn owls hunt by sound alone, even in total darkness.\n");
        const QList<QJsonObject> after =
            waitForDocuments(name, [&before](const QList<QJsonObject> &found) {
                return found.size() == 1 && found.first().value("job_id") != before.value("job_id");
            });
        QCOMPARE(after.size(), 1); // replaced, not added
        QVERIFY(after.first().value("size_bytes").toInt() > before.value("size_bytes").toInt());

        // The same bytes saved again: a new modification time, the same content.
        const int jobs = fileJobCount();
        QFile::remove(m_folder.filePath(name));
        writeFile(m_folder.filePath(name),
                  "# Owls\n\nBarn owls hunt by sound alone, even in total darkness.\n");
        QTest::qWait(4500); // past the debounce and a periodic rescan
        QCOMPARE(fileJobCount(), jobs);
        QCOMPARE(documentsNamed(name).value(0).value("job_id"), after.first().value("job_id"));
    }

    void aDeletedFileLosesItsDocument()
    {
        const QString name = QStringLiteral("notes/owls.md");
        QVERIFY(QFile::remove(m_folder.filePath(name)));
        const QList<QJsonObject> documents =
            waitForDocuments(name, [](const auto &found) { return found.isEmpty(); });
        QVERIFY(documents.isEmpty());
    }

    void aRemovedWatchStops()
    {
        QCOMPARE(m_client->send("DELETE", "/ops/watches/" + m_watchId, {}, kAdmin).status, 200);
        QCOMPARE(m_client->send("DELETE", "/ops/watches/" + m_watchId, {}, kAdmin).status, 404);
        const int jobs = fileJobCount();
        writeFile(m_folder.filePath(QStringLiteral("late.md")), "Written after the watch ended.");
        QTest::qWait(3000);
        QCOMPARE(fileJobCount(), jobs);
    }
};

QTEST_GUILESS_MAIN(TestIngestdWatches)
#include "tst_ingestd_watches.moc"
