// aether-seed-check: the seed's five background-ingestion checks
// (test_async_ingest.py) against any running server, printing what the seed
// prints, so users who know the seed can check a server the same way.
//   aether-seed-check [--base http://localhost:8000] [--url https://example.com]
#include "httpclient.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QThread>
#include <cstdio>
#include <functional>

using namespace aether::test;

namespace {

struct Options
{
    QString apiKey;
    QString adminKey;
    QString url;
};

void say(const QString &line)
{
    std::fputs(qPrintable(line + QLatin1Char('\n')), stdout);
    std::fflush(stdout);
}

QJsonObject waitForJob(const HttpClient &client, const Options &options, const QString &id,
                       int timeoutSec)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutSec * 1000) {
        const HttpResult reply = client.get(QStringLiteral("/ops/jobs/") + id,
                                            {{"x-admin-key", options.adminKey.toUtf8()}});
        if (reply.status != 200)
            return {{QStringLiteral("error"),
                     QStringLiteral("job_status_failed: %1").arg(reply.status)}};
        const QJsonObject job = reply.json();
        const QString status = job.value(QStringLiteral("status")).toString();
        if (status == QLatin1String("finished") || status == QLatin1String("failed"))
            return job;
        QThread::msleep(500);
    }
    return {{QStringLiteral("error"), QStringLiteral("timeout")}};
}

bool checkJob(const HttpClient &client, const Options &options, const HttpResult &enqueued,
              const QString &what, int timeoutSec)
{
    if (enqueued.status != 200) {
        say(QStringLiteral("    ❌ Failed to enqueue: %1 - %2")
                .arg(enqueued.status)
                .arg(QString::fromUtf8(enqueued.body)));
        return false;
    }
    const QString id = enqueued.json().value(QStringLiteral("job_id")).toString();
    say(QStringLiteral("    ✅ Job enqueued: ") + id);
    const QJsonObject job = waitForJob(client, options, id, timeoutSec);
    if (job.value(QStringLiteral("status")).toString() != QLatin1String("finished")) {
        say(QStringLiteral("    ❌ Job failed: ") +
            job.value(QStringLiteral("error")).toString(QStringLiteral("unknown")));
        return false;
    }
    const QJsonObject result = job.value(QStringLiteral("result")).toObject();
    if (!result.value(QStringLiteral("ok")).toBool()) {
        say(QStringLiteral("    ❌ Job finished with error"));
        return false;
    }
    say(QStringLiteral("    ✅ Job completed: %1 chunks%2")
            .arg(result.value(QStringLiteral("ingested_chunks")).toInt())
            .arg(what));
    return true;
}

Headers editorHeaders(const Options &options)
{
    return {{"x-api-key", options.apiKey.toUtf8()}, {"x-role", "editor"}};
}

bool asyncText(const HttpClient &client, const Options &options)
{
    say(QStringLiteral("\n1️⃣  Async Text Ingestion..."));
    const QJsonObject body{
        {QStringLiteral("text"),
         QStringLiteral("Background job test: customer reported urgent issue with account #999")},
        {QStringLiteral("source"), QStringLiteral("async_test")}};
    return checkJob(client, options,
                    client.postJson(QStringLiteral("/knowledge/ingest-text-async"), body,
                                    editorHeaders(options)),
                    QStringLiteral(" ingested"), 30);
}

bool asyncUrl(const HttpClient &client, const Options &options)
{
    say(QStringLiteral("\n2️⃣  Async URL Ingestion..."));
    const QJsonObject body{{QStringLiteral("url"), options.url},
                           {QStringLiteral("source"), QStringLiteral("web_test")}};
    return checkJob(client, options,
                    client.postJson(QStringLiteral("/knowledge/ingest-url-async"), body,
                                    editorHeaders(options)),
                    QStringLiteral(" from URL"), 60);
}

bool asyncFile(const HttpClient &client, const Options &options)
{
    say(QStringLiteral("\n3️⃣  Async File Ingestion..."));
    const QByteArray boundary = "aether-seed-check-boundary";
    const QByteArray body = HttpClient::multipart(
        boundary, "test.txt", "Async file test content: lead #888 needs follow-up",
        {{"source", "file_test"}}, "text/plain");
    Headers headers = editorHeaders(options);
    headers.emplaceBack("Content-Type", "multipart/form-data; boundary=" + boundary);
    return checkJob(client, options,
                    client.post(QStringLiteral("/knowledge/ingest-file-async"), body, headers),
                    QStringLiteral(" from file"), 30);
}

bool jobNotFound(const HttpClient &client, const Options &options)
{
    say(QStringLiteral("\n4️⃣  Job Not Found..."));
    const HttpResult reply = client.get(QStringLiteral("/ops/jobs/fake-job-id-999"),
                                        {{"x-admin-key", options.adminKey.toUtf8()}});
    if (reply.status == 404) {
        say(QStringLiteral("    ✅ Correctly returns 404 for missing job"));
        return true;
    }
    say(QStringLiteral("    ❌ Should return 404, got: %1").arg(reply.status));
    return false;
}

bool viewerBlocked(const HttpClient &client, const Options &options)
{
    say(QStringLiteral("\n5️⃣  Viewer Role Blocked from Enqueue..."));
    const HttpResult reply =
        client.postJson(QStringLiteral("/knowledge/ingest-text-async"),
                        {{QStringLiteral("text"), QStringLiteral("test")},
                         {QStringLiteral("source"), QStringLiteral("test")}},
                        {{"x-api-key", options.apiKey.toUtf8()}, {"x-role", "viewer"}});
    if (reply.status == 403) {
        say(QStringLiteral("    ✅ Viewer correctly blocked (403)"));
        return true;
    }
    say(QStringLiteral("    ❌ Should return 403, got: %1").arg(reply.status));
    return false;
}

bool waitForService(const HttpClient &client)
{
    say(QStringLiteral("\n⏳ Waiting for service..."));
    for (int i = 0; i < 30; ++i) {
        if (client.get(QStringLiteral("/healthz")).status == 200) {
            say(QStringLiteral("✅ Service ready"));
            return true;
        }
        QThread::sleep(1);
    }
    say(QStringLiteral("❌ Service not ready after 30s"));
    return false;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("The seed's five background-ingestion checks against a running server."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("base"), QStringLiteral("Server base URL."),
                      QStringLiteral("url"), QStringLiteral("http://localhost:8000")});
    parser.addOption({QStringLiteral("api-key"), QStringLiteral("API key with the editor role."),
                      QStringLiteral("key"), QStringLiteral("test-key")});
    parser.addOption({QStringLiteral("admin-key"), QStringLiteral("Admin key."),
                      QStringLiteral("key"), QStringLiteral("admin-secret-123")});
    parser.addOption({QStringLiteral("url"), QStringLiteral("Page for the URL check."),
                      QStringLiteral("url"), QStringLiteral("https://example.com")});
    parser.process(app);
    const Options options{parser.value(QStringLiteral("api-key")),
                          parser.value(QStringLiteral("admin-key")),
                          parser.value(QStringLiteral("url"))};
    const HttpClient client(parser.value(QStringLiteral("base")));

    say(QStringLiteral("╔════════════════════════════════════════╗"));
    say(QStringLiteral("║  🔄 Background Ingestion Tests       ║"));
    say(QStringLiteral("╚════════════════════════════════════════╝"));
    if (!waitForService(client))
        return 1;

    using Check = std::function<bool(const HttpClient &, const Options &)>;
    const QList<QPair<QString, Check>> checks{{QStringLiteral("Async text ingest"), asyncText},
                                              {QStringLiteral("Async URL ingest"), asyncUrl},
                                              {QStringLiteral("Async file ingest"), asyncFile},
                                              {QStringLiteral("Job not found"), jobNotFound},
                                              {QStringLiteral("Viewer blocked"), viewerBlocked}};
    QList<bool> passed;
    for (const auto &check : checks)
        passed.append(check.second(client, options));

    say(QStringLiteral("\n╔════════════════════════════════════════╗"));
    say(QStringLiteral("║  📊 Test Results                      ║"));
    say(QStringLiteral("╚════════════════════════════════════════╝\n"));
    const int passedCount = int(passed.count(true));
    for (qsizetype i = 0; i < checks.size(); ++i)
        say(QStringLiteral("  %1  %2")
                .arg(passed[i] ? QStringLiteral("✅ PASS") : QStringLiteral("❌ FAIL"),
                     checks[i].first));
    say(QStringLiteral("\n  Score: %1/%2 tests passed\n").arg(passedCount).arg(checks.size()));
    if (passedCount == checks.size())
        say(QStringLiteral("  🎉 ALL BACKGROUND INGESTION TESTS PASSED!"));
    else
        say(QStringLiteral("  ⚠️  %1 test(s) failed").arg(checks.size() - passedCount));
    return passedCount == checks.size() ? 0 : 1;
}
