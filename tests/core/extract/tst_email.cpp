#include "extract/emlextractor.h"
#include "extract/extractorregistry.h"

#include "emailfixture.h"
#include "pdffixture.h"

#include <QTest>

using namespace aether;
using aether::test::buildPdf;
using aether::test::mailWithAttachments;

namespace {

ExtractedDocument extractMail(const QByteArray &mail)
{
    return EmlExtractor().extract(mail, QStringLiteral("mail.eml"), CancelToken::never());
}

QString allText(const ExtractedDocument &document)
{
    QStringList texts;
    for (const TextBlock &block : document.blocks)
        texts << block.text;
    return texts.join(u'\n');
}

} // namespace

// E-mail parsing through GMime (core/extract/emlextractor.*): encodings,
// charsets, MIME trees, header metadata and attachments.
class TestEmail : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void base64Body();
    void quotedPrintableBody();
    void encodedSubjects_data();
    void encodedSubjects();
    void alternativeWithOnlyHtml();
    void forwardedMessageKept();
    void headersAsMetadata();
    void attachmentsReturned();
    void deepNestingCapped();
    void manyAttachmentsCapped();
};

void TestEmail::base64Body()
{
    QByteArray mail = "From: a@example.com\r\nSubject: B64\r\n"
                      "Content-Type: text/plain; charset=utf-8\r\n"
                      "Content-Transfer-Encoding: base64\r\n\r\n";
    mail += QStringLiteral("Grüße aus Köln, quasarmint").toUtf8().toBase64() + "\r\n";
    QVERIFY2(allText(extractMail(mail)).contains(QStringLiteral("Grüße aus Köln, quasarmint")),
             qPrintable(allText(extractMail(mail))));
}

void TestEmail::quotedPrintableBody()
{
    const QByteArray mail = "From: a@example.com\r\nSubject: QP\r\n"
                            "Content-Type: text/plain; charset=iso-8859-1\r\n"
                            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                            "Sch=F6ne Gr=FC=DFe, ein sehr langer Satz der umbro=\r\n"
                            "chen wurde.\r\n";
    QVERIFY2(
        allText(extractMail(mail))
            .contains(QStringLiteral("Schöne Grüße, ein sehr langer Satz der umbrochen wurde.")),
        qPrintable(allText(extractMail(mail))));
}

void TestEmail::encodedSubjects_data()
{
    QTest::addColumn<QByteArray>("subject");
    QTest::addColumn<QString>("title");
    QTest::newRow("utf-8 base64") << QByteArray("=?UTF-8?B?") +
                                         QStringLiteral("Ärger über Öl").toUtf8().toBase64() + "?="
                                  << QStringLiteral("Ärger über Öl");
    QTest::newRow("iso-8859-1 q") << QByteArray("=?ISO-8859-1?Q?Caf=E9_cr=E8me?= heute")
                                  << QStringLiteral("Café crème heute");
    QTest::newRow("two words") << QByteArray("=?utf-8?q?Gr=C3=BC?= =?utf-8?q?=C3=9Fe?=")
                               << QStringLiteral("Grüße");
}

void TestEmail::encodedSubjects()
{
    QFETCH(QByteArray, subject);
    QFETCH(QString, title);
    const ExtractedDocument document =
        extractMail("From: =?ISO-8859-1?Q?J=F6rg?= <j@example.com>\r\nSubject: " + subject +
                    "\r\n\r\nbody\r\n");
    QCOMPARE(document.title, title);
    QCOMPARE(document.metadata.value(QStringLiteral("subject")).toString(), title);
    QCOMPARE(document.metadata.value(QStringLiteral("from")).toString(),
             QStringLiteral("Jörg <j@example.com>"));
}

void TestEmail::alternativeWithOnlyHtml()
{
    const QByteArray mail = "From: a@example.com\r\nSubject: Html only\r\n"
                            "MIME-Version: 1.0\r\n"
                            "Content-Type: multipart/alternative; boundary=alt\r\n\r\n"
                            "--alt\r\n"
                            "Content-Type: text/html; charset=utf-8\r\n"
                            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                            "<html><head><script>var hidden=3D1;</script></head><body>"
                            "<p>Die Br=C3=BCcke ist wieder offen f=C3=BCr alle.</p>"
                            "</body></html>\r\n"
                            "--alt--\r\n";
    const QString text = allText(extractMail(mail));
    QVERIFY2(text.contains(QStringLiteral("Die Brücke ist wieder offen für alle.")),
             qPrintable(text));
    QVERIFY2(!text.contains(QStringLiteral("hidden")) && !text.contains(u'<'), qPrintable(text));
}

void TestEmail::forwardedMessageKept()
{
    const QByteArray mail =
        "From: a@example.com\r\nSubject: Fwd: plan\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=out\r\n\r\n"
        "--out\r\n"
        "Content-Type: text/plain\r\n\r\n"
        "See below.\r\n"
        "--out\r\n"
        "Content-Type: message/rfc822\r\n\r\n"
        "From: b@example.com\r\nSubject: plan\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" +
        QStringLiteral("Der Zeitplan für zirconflux steht.").toUtf8().toBase64() +
        "\r\n"
        "--out--\r\n";
    const QString text = allText(extractMail(mail));
    QVERIFY2(text.contains(QStringLiteral("See below.")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Der Zeitplan für zirconflux steht.")), qPrintable(text));
}

void TestEmail::headersAsMetadata()
{
    const ExtractedDocument document =
        extractMail("From: Ada <ada@example.com>\r\nTo: b@example.com, c@example.com\r\n"
                    "Cc: d@example.com\r\nDate: Tue, 4 Jun 2024 10:00:00 +0200\r\n"
                    "Subject: Hello\r\n\r\nbody\r\n");
    const QVariantMap expected = {
        {QStringLiteral("from"), QStringLiteral("Ada <ada@example.com>")},
        {QStringLiteral("to"), QStringLiteral("b@example.com, c@example.com")},
        {QStringLiteral("cc"), QStringLiteral("d@example.com")},
        {QStringLiteral("date"), QStringLiteral("2024-06-04T10:00:00+02:00")},
        {QStringLiteral("subject"), QStringLiteral("Hello")}};
    QCOMPARE(document.metadata, expected);
}

void TestEmail::attachmentsReturned()
{
    const QByteArray pdf =
        buildPdf({QStringLiteral("Quarterly figures basaltwing")}, QStringLiteral("Figures"));
    const QByteArray blob("\x00\x01\x02 binary", 10);
    const QByteArray mail = mailWithAttachments(
        "Report", "The report is attached.",
        {{"figures.pdf", "application/pdf", pdf}, {"data.bin", "application/octet-stream", blob}});
    const ExtractedDocument document = extractMail(mail);
    QVERIFY2(allText(document).contains(QStringLiteral("The report is attached.")),
             qPrintable(allText(document)));
    QVERIFY(!allText(document).contains(QStringLiteral("basaltwing")));
    QCOMPARE(document.attachments.size(), 2);
    QCOMPARE(document.attachments[0].fileName, QStringLiteral("figures.pdf"));
    QCOMPARE(document.attachments[0].contentType, QStringLiteral("application/pdf"));
    QCOMPARE(document.attachments[0].data, pdf);
    QCOMPARE(document.attachments[1].fileName, QStringLiteral("data.bin"));
    QCOMPARE(document.attachments[1].data, blob);
    // The registry reads the attachment as the PDF it is.
    const ExtractedDocument attached = ExtractorRegistry::standard().extract(
        document.attachments[0].data, document.attachments[0].fileName);
    QCOMPARE(attached.kind, QStringLiteral("pdf"));
}

void TestEmail::deepNestingCapped()
{
    // 200 nested multiparts, text at the bottom: read only to kMaxDepth, no crash.
    QByteArray mail = "From: a@example.com\r\nSubject: Deep\r\nMIME-Version: 1.0\r\n";
    QByteArray tail;
    for (int i = 0; i < 200; ++i) {
        mail += "Content-Type: multipart/mixed; boundary=b" + QByteArray::number(i) +
                "\r\n\r\n--b" + QByteArray::number(i) + "\r\n";
        tail.prepend("\r\n--b" + QByteArray::number(i) + "--\r\n");
    }
    mail += "Content-Type: text/plain\r\n\r\ndeep text\r\n" + tail;
    const ExtractedDocument document = extractMail(mail);
    QCOMPARE(document.title, QStringLiteral("Deep"));
    QVERIFY(!allText(document).contains(QStringLiteral("deep text")));
}

void TestEmail::manyAttachmentsCapped()
{
    QList<test::MailAttachmentSpec> attachments;
    for (int i = 0; i < EmlExtractor::kMaxAttachments + 20; ++i)
        attachments.append({"f" + QByteArray::number(i) + ".txt", "text/plain", "x"});
    const ExtractedDocument document =
        extractMail(mailWithAttachments("Many", "body", attachments));
    QCOMPARE(document.attachments.size(), EmlExtractor::kMaxAttachments);
}

QTEST_GUILESS_MAIN(TestEmail)
#include "tst_email.moc"
