// Every document format through the real aether-ingestd: uploaded with
// ingest-file-async and, where a web server would serve it, fetched with
// ingest-url-async; the job's result names the detected type and the text is
// found by search. Broken files fail their own job and nothing else.
#include "daemonprocess.h"
#include "epubfixture.h"
#include "fixturehttpserver.h"
#include "formatsamples.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QJsonArray>
#include <QTest>
#include <QUrlQuery>

using namespace aether;
using namespace aether::test;

class TestIngestdFormats : public QObject
{
    Q_OBJECT

private:
    QString upload(const QByteArray &fileName, const QByteArray &bytes)
    {
        Headers headers = kEditor;
        headers.emplaceBack("Content-Type", "multipart/form-data; boundary=f0rmats");
        const HttpResult reply =
            m_client->post(QStringLiteral("/knowledge/ingest-file-async"),
                           HttpClient::multipart("f0rmats", fileName, bytes), headers);
        return reply.json().value("job_id").toString();
    }

    QString fetch(const QByteArray &url)
    {
        return m_client
            ->postJson(QStringLiteral("/knowledge/ingest-url-async"),
                       {{"url", QString::fromLatin1(url)}}, kEditor)
            .json()
            .value("job_id")
            .toString();
    }

    bool found(const QString &word)
    {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("q"), word);
        query.addQueryItem(QStringLiteral("mode"), QStringLiteral("keyword"));
        const QJsonArray results =
            m_client->get(QStringLiteral("/knowledge/search?") + query.toString(), kEditor)
                .json()
                .value("results")
                .toArray();
        return !results.isEmpty() &&
               results.first().toObject().value("text").toString().contains(word);
    }

    RedisProcess m_redis;
    DaemonProcess m_daemon;
    FixtureHttpServer m_web;
    std::unique_ptr<HttpClient> m_client;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QProcessEnvironment env = daemonEnvironment(m_redis, 2);
        env.insert(QStringLiteral("URL_ALLOW_PRIVATE"), QStringLiteral("1"));
        QVERIFY2(m_daemon.start(env), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());
    }

    void everyFormatUploaded()
    {
        QList<QPair<FormatSample, QString>> jobs;
        for (const FormatSample &sample : formatSamples())
            jobs.append({sample, upload(sample.fileName, sample.bytes)});
        for (const auto &[sample, id] : jobs) {
            const QJsonObject job = waitForJob(*m_client, id);
            const QString name = QString::fromLatin1(sample.fileName);
            QVERIFY2(job.value("status").toString() == QLatin1String("finished"),
                     qPrintable(name + u' ' + job.value("error").toString()));
            const QJsonObject result = job.value("result").toObject();
            QCOMPARE(result.value("detected_type").toString(), sample.detectedType);
            QVERIFY(result.value("characters").toInt() > 0);
            QVERIFY2(found(sample.marker), qPrintable(name));
        }
    }

    // An e-book made in the test, over HTTP: stored in spine order, each
    // chapter's text under its table-of-contents title, found by search.
    void anEpubKeepsItsChapterOrder()
    {
        const QJsonObject job =
            waitForJob(*m_client, upload("ice-age.epub", epubBook(glacierChapters())));
        QCOMPARE(job.value("status").toString(), QStringLiteral("finished"));
        const QJsonObject result = job.value("result").toObject();
        QCOMPARE(result.value("detected_type").toString(), QStringLiteral("epub"));
        QCOMPARE(result.value("title").toString(), QStringLiteral("The Ice Age Reader"));
        const QJsonObject text = m_client
                                     ->get(QStringLiteral("/knowledge/documents/%1/text")
                                               .arg(result.value("document_id").toInteger()),
                                           kEditor)
                                     .json();
        QStringList headings;
        for (const QJsonValue &section : text.value("sections").toArray())
            headings.append(section.toObject().value("heading").toString());
        QCOMPARE(headings, QStringList({QStringLiteral("How Ice Moves"),
                                        QStringLiteral("What Ice Leaves Behind"),
                                        QStringLiteral("Lakes of the North")}));
        const QString all = text.value("text").toString();
        QVERIFY(all.indexOf(QStringLiteral("Glaciers flow")) <
                all.indexOf(QStringLiteral("Moraines and")));
        QVERIFY(all.indexOf(QStringLiteral("Moraines and")) <
                all.indexOf(QStringLiteral("Kettle lakes")));
        QVERIFY(found(QStringLiteral("drumlins")));
    }

    void webFormatsFetchedByUrl()
    {
        const QList<QPair<QByteArray, QByteArray>> served = {
            {"/article", "text/html; charset=utf-8"},
            {"/paper", "application/pdf"},
            {"/readme", "text/plain"},
            {"/memo", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        };
        const QList<FormatSample> samples = formatSamples();
        const QStringList files = {QStringLiteral("page.html"), QStringLiteral("report.pdf"),
                                   QStringLiteral("plain.txt"), QStringLiteral("letter.docx")};
        for (qsizetype i = 0; i < served.size(); ++i) {
            const FormatSample *sample = nullptr;
            for (const FormatSample &candidate : samples) {
                if (QString::fromLatin1(candidate.fileName) == files[i])
                    sample = &candidate;
            }
            QVERIFY(sample);
            m_web.setResponse(
                served[i].first,
                FixtureResponse{200, "OK", {{"Content-Type", served[i].second}}, sample->bytes, 0});
            const QJsonObject job = waitForJob(*m_client, fetch(m_web.url(served[i].first)));
            QVERIFY2(job.value("status").toString() == QLatin1String("finished"),
                     qPrintable(files[i] + u' ' + job.value("error").toString()));
            const QJsonObject result = job.value("result").toObject();
            QCOMPARE(result.value("detected_type").toString(), sample->detectedType);
            QVERIFY(result.value("duplicate").toBool() == false);
        }
    }

    void brokenFilesFailAlone()
    {
        const QByteArray docx = formatSamples().at(6).bytes;
        const QList<QPair<QByteArray, QByteArray>> broken = {
            {"truncated.docx", docx.left(docx.size() / 2)},
            {"corrupt.pdf", QByteArray("%PDF-1.4\n") + QByteArray(400, 'x')},
            {"bad.json", "{\"open\": [1, 2"},
            {"hollow.odt",
             buildZip({{QStringLiteral("mimetype"), "application/vnd.oasis.opendocument.text"}})},
        };
        QStringList ids;
        for (const auto &[name, bytes] : broken)
            ids.append(upload(name, bytes));
        const QString good = upload("after.txt", "Still working: the ospreyvale test.");
        for (qsizetype i = 0; i < ids.size(); ++i) {
            const QJsonObject job = waitForJob(*m_client, ids[i]);
            QCOMPARE(job.value("status").toString(), QStringLiteral("failed"));
            const QString error = job.value("error").toString();
            QVERIFY2(error.contains(u':') && error.size() > 10,
                     qPrintable(QString::fromLatin1(broken[i].first) + u' ' + error));
        }
        QCOMPARE(waitForJob(*m_client, good).value("status").toString(),
                 QStringLiteral("finished"));
        QVERIFY(m_daemon.isRunning());
    }
};

QTEST_GUILESS_MAIN(TestIngestdFormats)
#include "tst_ingestd_formats.moc"
