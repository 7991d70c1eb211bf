// Every ```bash block of README.md that calls curl, run with bash against a
// started aether-ingestd (own Redis, free port, temporary data): each curl
// exits 0 and gets a 2xx answer in JSON ("ok" true when present; Prometheus
// text for /metrics). The README
// is read when the test runs. What the examples point at is filled in:
// localhost:8000 -> the daemon, https://example.com -> a local fixture site,
// <job_id> -> a job in the state the example needs, documents/7 -> a stored
// document, document.pdf and handbook.docx -> files in the working directory.
#include "daemonprocess.h"
#include "fixturehttpserver.h"
#include "jobpoller.h"
#include "officefixtures.h"
#include "pdffixture.h"
#include "redisprocess.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace aether;
using namespace aether::test;

namespace {

struct Example
{
    int line = 0; // of the opening fence
    QString script;
};

QList<Example> curlExamples(const QString &readme)
{
    QList<Example> examples;
    const QStringList lines = readme.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        if (lines[i].trimmed() != QLatin1String("```bash"))
            continue;
        Example example{i + 1, {}};
        for (++i; i < lines.size() && !lines[i].trimmed().startsWith(QLatin1String("```")); ++i)
            example.script += lines[i] + QLatin1Char('\n');
        if (example.script.contains(QLatin1String("curl ")))
            examples.append(example);
    }
    return examples;
}

// Each curl of a script writes its body, status and exit code to files numbered in order.
const QString kPrelude = QStringLiteral(
    "n=0\n"
    "curl() {\n"
    "  n=$((n+1))\n"
    "  command curl -sS --max-time 120 -o \"answers/body.$n\" -w '%{http_code}' \"$@\" "
    "> \"answers/status.$n\"\n"
    "  echo $? > \"answers/exit.$n\"\n"
    "}\n");

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestReadmeExamples : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_work.isValid());
        FixtureResponse page;
        page.headers = {{"Content-Type", "text/html; charset=utf-8"}};
        page.body = "<html><head><title>Docs</title></head><body><article><p>The README "
                    "examples fetch this page, which explains how accounts are set up.</p>"
                    "</article></body></html>";
        m_site.setResponse("/docs", page);
        m_site.setResponse("/", page);
        FixtureResponse slow = page;
        slow.delayMs = 5000;
        m_site.setResponse("/slow", slow);
        m_site.setResponse("/missing", FixtureResponse{404, "Not Found", {}, "gone", 0});

        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QProcessEnvironment env = daemonEnvironment(m_redis, 2);
        env.insert(QStringLiteral("URL_ALLOW_PRIVATE"), QStringLiteral("1"));
        QVERIFY2(m_daemon.start(env), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());
    }

    void cleanupTestCase()
    {
        m_daemon.stop();
        m_redis.stop();
    }

    void example_data()
    {
        QTest::addColumn<QString>("script");
        QFile readme(QStringLiteral(AETHER_README_PATH));
        QVERIFY2(readme.open(QIODevice::ReadOnly), AETHER_README_PATH);
        const QList<Example> examples = curlExamples(QString::fromUtf8(readme.readAll()));
        QVERIFY2(examples.size() >= 10, "README.md has fewer curl examples than expected");
        for (const Example &example : examples)
            QTest::addRow("README.md line %d", example.line) << example.script;
    }

    void example()
    {
        QFETCH(QString, script);
        const QString filled = fill(script);
        const QRegularExpression placeholder(QStringLiteral("<[a-z_]+>"));
        const QRegularExpressionMatch unknown = placeholder.match(filled);
        QVERIFY2(!unknown.hasMatch(),
                 qPrintable(QStringLiteral("the example uses %1: teach "
                                           "tests/docs/tst_readmeexamples.cpp to fill it in")
                                .arg(unknown.captured())));

        QDir work(m_work.path());
        work.removeRecursively();
        QVERIFY(work.mkpath(QStringLiteral("answers")));
        writeFile(QStringLiteral("document.pdf"),
                  buildPdf({QStringLiteral("Urgent: customer reports account issue.")},
                           QStringLiteral("Document")));
        writeFile(QStringLiteral("handbook.docx"),
                  docx(wordParagraph(QStringLiteral("The handbook explains account issues.")),
                       QStringLiteral("Handbook")));
        writeFile(QStringLiteral("example.sh"), (kPrelude + filled).toUtf8());

        QProcess bash;
        bash.setWorkingDirectory(m_work.path());
        bash.start(QStringLiteral("bash"), {QStringLiteral("example.sh")});
        QVERIFY(bash.waitForFinished(300000));
        QVERIFY2(bash.exitCode() == 0, bash.readAllStandardError().constData());

        int calls = 0;
        for (int n = 1; QFile::exists(work.filePath(QStringLiteral("answers/exit.%1").arg(n)));
             ++n) {
            ++calls;
            const QString where = QStringLiteral("curl #%1 of:\n%2").arg(n).arg(filled);
            const QByteArray body =
                readFile(work.filePath(QStringLiteral("answers/body.%1").arg(n)));
            const int exitCode =
                readFile(work.filePath(QStringLiteral("answers/exit.%1").arg(n))).trimmed().toInt();
            const int status =
                readFile(work.filePath(QStringLiteral("answers/status.%1").arg(n))).toInt();
            QVERIFY2(exitCode == 0, qPrintable(QStringLiteral("exit %1, ").arg(exitCode) + where));
            QVERIFY2(
                status >= 200 && status < 300,
                qPrintable(QStringLiteral("HTTP %1 %2, ").arg(status).arg(QString::fromUtf8(body)) +
                           where));
            if (body.startsWith("# HELP"))
                continue; // GET /metrics: Prometheus text
            QJsonParseError error;
            const QJsonObject json = QJsonDocument::fromJson(body, &error).object();
            QVERIFY2(error.error == QJsonParseError::NoError,
                     qPrintable(QStringLiteral("not JSON: ") + QString::fromUtf8(body) +
                                QStringLiteral(", ") + where));
            QVERIFY2(!json.contains(QStringLiteral("ok")) ||
                         json.value(QStringLiteral("ok")).toBool(),
                     qPrintable(QString::fromUtf8(body) + QStringLiteral(", ") + where));
        }
        QVERIFY2(calls >= 1, qPrintable(filled));
    }

private:
    void writeFile(const QString &name, const QByteArray &bytes)
    {
        QFile file(m_work.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(bytes);
    }

    QString fill(QString script)
    {
        script.replace(QLatin1String("http://localhost:8000"), m_daemon.baseUrl());
        script.replace(QLatin1String("https://example.com"), QString::fromLatin1(m_site.url("")));
        if (script.contains(QLatin1String("/knowledge/documents/7")))
            script.replace(QLatin1String("/knowledge/documents/7"),
                           QStringLiteral("/knowledge/documents/%1").arg(storedDocument()));
        if (script.contains(QLatin1String("<job_id>")))
            script.replace(QLatin1String("<job_id>"), jobFor(script));
        if (script.contains(QLatin1String("<batch_id>")))
            script.replace(QLatin1String("<batch_id>"),
                           idFrom("/knowledge/ingest-batch-async",
                                  {{"items", QJsonArray{QJsonObject{{"text", "x"}}}}}, "batch_id",
                                  kEditor));
        if (script.contains(QLatin1String("<crawl_id>")))
            script.replace(QLatin1String("<crawl_id>"),
                           idFrom("/knowledge/crawl-async",
                                  {{"url", QString::fromLatin1(m_site.url("/"))}, {"max_pages", 2}},
                                  "crawl_id", kEditor));
        if (script.contains(QLatin1String("<refresh_id>")))
            script.replace(
                QLatin1String("<refresh_id>"),
                idFrom("/knowledge/ingest-url-async",
                       {{"url", QString::fromLatin1(m_site.url("/docs"))}, {"refresh", "daily"}},
                       "refresh_id", kEditor));
        script.replace(QLatin1String("/home/me/Notes"), m_work.path());
        if (script.contains(QLatin1String("<watch_id>")))
            script.replace(QLatin1String("<watch_id>"),
                           idFrom("/ops/watches", {{"path", m_work.path()}}, "watch", kAdmin));
        return script;
    }

    // The id a POST answers with (a batch's, or a watch's, found under `field`).
    QString idFrom(const char *path, const QJsonObject &body, const char *field,
                   const Headers &headers)
    {
        const QJsonValue value = m_client->postJson(QLatin1String(path), body, headers)
                                     .json()
                                     .value(QLatin1String(field));
        return value.isObject() ? value.toObject().value(QStringLiteral("id")).toString()
                                : value.toString();
    }

    // A job in the state the example acts on: running for /cancel, failed for
    // /retry, finished for the rest.
    QString jobFor(const QString &script)
    {
        if (script.contains(QLatin1String("/cancel"))) {
            const QString id = enqueueUrl(QStringLiteral("/slow"));
            waitForStatus(id, QStringLiteral("started"));
            return id;
        }
        if (script.contains(QLatin1String("/retry"))) {
            const QString id = enqueueUrl(QStringLiteral("/missing"));
            waitForJob(*m_client, id);
            return id;
        }
        const HttpResult reply = m_client->postJson(
            QStringLiteral("/knowledge/ingest-text-async"),
            {{"text", QStringLiteral("A job for the README examples.")}}, kEditor);
        const QString id = reply.json().value(QStringLiteral("job_id")).toString();
        waitForJob(*m_client, id);
        return id;
    }

    QString enqueueUrl(const QString &path)
    {
        const HttpResult reply = m_client->postJson(
            QStringLiteral("/knowledge/ingest-url-async"),
            {{"url", QString::fromLatin1(m_site.url(path.toLatin1()))}, {"max_attempts", 1}},
            kEditor);
        return reply.json().value(QStringLiteral("job_id")).toString();
    }

    void waitForStatus(const QString &id, const QString &status)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 20000 && m_client->get(QStringLiteral("/ops/jobs/") + id, kAdmin)
                                                  .json()
                                                  .value(QStringLiteral("status"))
                                                  .toString() != status)
            QThread::msleep(20);
    }

    qint64 storedDocument()
    {
        const HttpResult reply = m_client->postJson(
            QStringLiteral("/knowledge/ingest-text"),
            {{"text", QStringLiteral("A document the README examples show and delete, %1.")
                          .arg(QDateTime::currentMSecsSinceEpoch())},
             {"source", QStringLiteral("manuals")}},
            kEditor);
        return qint64(reply.json().value(QStringLiteral("document_id")).toDouble());
    }

    QTemporaryDir m_work;
    FixtureHttpServer m_site;
    RedisProcess m_redis;
    DaemonProcess m_daemon;
    std::unique_ptr<HttpClient> m_client;
};

QTEST_GUILESS_MAIN(TestReadmeExamples)
#include "tst_readmeexamples.moc"
