// OCR end to end, over HTTP against the real aether-ingestd: a scanned PDF
// (pages that are only pictures, made in the test) and a PNG of a paragraph
// are read by Tesseract in the worker and found by search with their page; the
// job's result gives each page's confidence; OCR=off leaves scanned pages
// without text, as before.
#include "daemonprocess.h"
#include "jobpoller.h"
#include "redisprocess.h"
#include "scannedfixtures.h"

#include <QJsonArray>
#include <QTest>
#include <QUrlQuery>

using namespace aether;
using namespace aether::test;

class TestIngestdOcr : public QObject
{
    Q_OBJECT

private:
    QJsonObject ingest(HttpClient &client, const QByteArray &fileName, const QByteArray &bytes)
    {
        Headers headers = kEditor;
        headers.emplaceBack("Content-Type", "multipart/form-data; boundary=0cr");
        const HttpResult reply =
            client.post(QStringLiteral("/knowledge/ingest-file-async"),
                        HttpClient::multipart("0cr", fileName, bytes), headers);
        if (reply.status != 200)
            qWarning("upload refused: %d %s", reply.status, reply.body.constData());
        return waitForJob(client, reply.json().value("job_id").toString());
    }

    QJsonArray search(HttpClient &client, const QString &q)
    {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("q"), q);
        return client.get(QStringLiteral("/knowledge/search?") + query.toString(), kEditor)
            .json()
            .value("results")
            .toArray();
    }

    RedisProcess m_redis;

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText())); }

    void scannedPagesAndImagesAreFoundWithTheirPage()
    {
        DaemonProcess daemon;
        QVERIFY2(daemon.start(daemonEnvironment(m_redis, 2)), qPrintable(daemon.errorText()));
        HttpClient client(daemon.baseUrl());

        const QByteArray pdf =
            scannedPdf({pageImage({QStringLiteral("Chapter one describes the valley floor.")}),
                        pageImage({QStringLiteral("Kettle lakes form where buried ice melts.")})});
        const QJsonObject job = ingest(client, "field-notes.pdf", pdf);
        QCOMPARE(job.value("status").toString(), QStringLiteral("finished"));
        const QJsonObject result = job.value("result").toObject();
        QCOMPARE(result.value("pages_without_text").toArray(), QJsonArray());
        const QJsonArray pages = result.value("ocr").toObject().value("pages").toArray();
        QCOMPARE(pages.size(), 2);
        QCOMPARE(pages.at(1).toObject().value("page").toInt(), 2);
        QVERIFY(pages.at(1).toObject().value("confidence").toInt() > 50);

        const QJsonArray kettle = search(client, QStringLiteral("kettle lakes buried ice"));
        QVERIFY(!kettle.isEmpty());
        QVERIFY2(kettle.first().toObject().value("text").toString().contains(
                     QStringLiteral("Kettle lakes form")),
                 qPrintable(kettle.first().toObject().value("text").toString()));
        QCOMPARE(kettle.first().toObject().value("page").toInt(), 2);

        const QJsonObject photo =
            ingest(client, "whiteboard.png",
                   pngOf(pageImage({QStringLiteral("Erratic boulders were carried"),
                                    QStringLiteral("far from their bedrock by ice.")})));
        QCOMPARE(photo.value("status").toString(), QStringLiteral("finished"));
        QCOMPARE(photo.value("result").toObject().value("detected_type").toString(),
                 QStringLiteral("image"));
        const QJsonArray erratic = search(client, QStringLiteral("erratic boulders bedrock"));
        QVERIFY(!erratic.isEmpty());
        QVERIFY(erratic.first().toObject().value("text").toString().contains(
            QStringLiteral("Erratic boulders")));
    }

    void ocrOffLeavesScannedPagesWithoutText()
    {
        QProcessEnvironment env = daemonEnvironment(m_redis, 1);
        env.insert(QStringLiteral("OCR"), QStringLiteral("off"));
        DaemonProcess daemon;
        QVERIFY2(daemon.start(env), qPrintable(daemon.errorText()));
        HttpClient client(daemon.baseUrl());
        const QJsonObject job =
            ingest(client, "scan-only.pdf",
                   scannedPdf({pageImage({QStringLiteral("Nobody reads this.")})}));
        QCOMPARE(job.value("status").toString(), QStringLiteral("failed"));
        QVERIFY2(job.value("error").toString().startsWith(QStringLiteral("EmptyDocument")),
                 qPrintable(job.value("error").toString()));
        const QJsonObject photo =
            ingest(client, "photo.png", pngOf(pageImage({QStringLiteral("Nor this.")})));
        QCOMPARE(photo.value("status").toString(), QStringLiteral("failed"));
        QVERIFY2(photo.value("error").toString().contains(QStringLiteral("OCR=off")),
                 qPrintable(photo.value("error").toString()));
    }
};

QTEST_MAIN(TestIngestdOcr)
#include "tst_ingestd_ocr.moc"
