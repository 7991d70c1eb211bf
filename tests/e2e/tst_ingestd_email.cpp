// E-mail end to end, over HTTP against the real aether-ingestd: a mail with a
// PDF and an unsupported attachment becomes two searchable documents (the mail,
// and the PDF titled by its file name); the .bin is listed as skipped; the
// same mail again replaces both rather than adding copies.
#include "daemonprocess.h"
#include "emailfixture.h"
#include "jobpoller.h"
#include "pdffixture.h"
#include "redisprocess.h"

#include <QJsonArray>
#include <QTest>
#include <QUrlQuery>

using namespace aether;
using namespace aether::test;

class TestIngestdEmail : public QObject
{
    Q_OBJECT

private:
    QJsonObject uploadMail(const QByteArray &pdfWord)
    {
        const QByteArray mail = mailWithAttachments(
            "Quarterly figures", "Please read the figures before the meetingvale review.",
            {{"figures.pdf", "application/pdf",
              buildPdf({QStringLiteral("Revenue rose, said ") + QString::fromLatin1(pdfWord)},
                       QStringLiteral("Figures"))},
             {"data.bin", "application/octet-stream", QByteArray("\x00\x01\x02\x03", 4)}});
        Headers headers = kEditor;
        headers.emplaceBack("Content-Type", "multipart/form-data; boundary=m4il");
        const HttpResult reply =
            m_client->post(QStringLiteral("/knowledge/ingest-file-async"),
                           HttpClient::multipart("m4il", "figures-mail.eml", mail), headers);
        return waitForJob(*m_client, reply.json().value("job_id").toString());
    }

    // The first keyword hit for `word`: its document id and title.
    QJsonObject firstHit(const QString &word)
    {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("q"), word);
        query.addQueryItem(QStringLiteral("mode"), QStringLiteral("keyword"));
        const QJsonArray results =
            m_client->get(QStringLiteral("/knowledge/search?") + query.toString(), kEditor)
                .json()
                .value("results")
                .toArray();
        return results.isEmpty() ? QJsonObject() : results.first().toObject();
    }

    qint64 documentTotal()
    {
        return m_client->get(QStringLiteral("/knowledge/documents"), kEditor)
            .json()
            .value("total")
            .toInteger(-1);
    }

    RedisProcess m_redis;
    DaemonProcess m_daemon;
    std::unique_ptr<HttpClient> m_client;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QVERIFY2(m_daemon.start(daemonEnvironment(m_redis, 2)), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());
    }

    void attachmentIsItsOwnDocument()
    {
        const QJsonObject job = uploadMail("basaltwing");
        QCOMPARE(job.value("status").toString(), QStringLiteral("finished"));
        const QJsonObject result = job.value("result").toObject();
        QCOMPARE(result.value("detected_type").toString(), QStringLiteral("eml"));
        QCOMPARE(result.value("title").toString(), QStringLiteral("Quarterly figures"));
        const QJsonArray attachments = result.value("attachments").toArray();
        QCOMPARE(attachments.size(), 2);
        const QJsonObject pdf = attachments[0].toObject();
        QCOMPARE(pdf.value("name").toString(), QStringLiteral("figures.pdf"));
        QCOMPARE(pdf.value("kind").toString(), QStringLiteral("pdf"));
        QVERIFY(pdf.value("chunks").toInt() > 0);
        QVERIFY(pdf.value("document_id").toInteger() > 0);
        const QJsonObject bin = attachments[1].toObject();
        QCOMPARE(bin.value("name").toString(), QStringLiteral("data.bin"));
        QVERIFY2(bin.value("skipped").toString().startsWith(QStringLiteral("UnsupportedType")),
                 qPrintable(bin.value("skipped").toString()));

        // The PDF's own words find the attachment, titled by its file name.
        const QJsonObject pdfHit = firstHit(QStringLiteral("basaltwing"));
        QCOMPARE(pdfHit.value("document_id").toInteger(), pdf.value("document_id").toInteger());
        QCOMPARE(pdfHit.value("title").toString(), QStringLiteral("figures.pdf"));
        QCOMPARE(pdfHit.value("metadata").toObject().value("attached_to").toString(),
                 QStringLiteral("Quarterly figures"));
        QCOMPARE(pdfHit.value("metadata").toObject().value("email_from").toString(),
                 QStringLiteral("Ada Lovelace <ada@example.com>"));
        // The mail's words find the mail, and not its attachment's words.
        const QJsonObject mailHit = firstHit(QStringLiteral("meetingvale"));
        QCOMPARE(mailHit.value("document_id").toInteger(), result.value("document_id").toInteger());
        QVERIFY(mailHit.value("document_id") != pdfHit.value("document_id"));
        QCOMPARE(documentTotal(), 2);
    }

    void sameMailAgainReplacesItsAttachments()
    {
        const QJsonObject job = uploadMail("cobaltfern");
        QCOMPARE(job.value("status").toString(), QStringLiteral("finished"));
        QCOMPARE(documentTotal(), 2);
        QVERIFY(firstHit(QStringLiteral("basaltwing")).isEmpty());
        QCOMPARE(firstHit(QStringLiteral("cobaltfern")).value("title").toString(),
                 QStringLiteral("figures.pdf"));
    }

    void deletingTheMailDeletesItsAttachment()
    {
        const qint64 mailId =
            firstHit(QStringLiteral("meetingvale")).value("document_id").toInteger();
        QVERIFY(mailId > 0);
        QCOMPARE(
            m_client
                ->send("DELETE", QStringLiteral("/knowledge/documents/%1").arg(mailId), {}, kEditor)
                .status,
            200);
        QCOMPARE(documentTotal(), 0);
        QVERIFY(firstHit(QStringLiteral("cobaltfern")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestIngestdEmail)
#include "tst_ingestd_email.moc"
