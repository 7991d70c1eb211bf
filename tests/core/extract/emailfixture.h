#pragma once

// E-mails written as text for the extractor and e2e tests: real MIME syntax,
// no mail library needed to make them.

#include <QByteArray>
#include <QString>

namespace aether::test {

// A base64 body wrapped at 76 columns, as RFC 2045 says.
inline QByteArray base64Lines(const QByteArray &bytes)
{
    const QByteArray encoded = bytes.toBase64();
    QByteArray wrapped;
    for (qsizetype i = 0; i < encoded.size(); i += 76)
        wrapped += encoded.mid(i, 76) + "\r\n";
    return wrapped;
}

// A mail whose plain-text body is `body`, with a base64 attachment per (name, type, bytes).
struct MailAttachmentSpec
{
    QByteArray fileName;
    QByteArray contentType;
    QByteArray data;
};

inline QByteArray mailWithAttachments(const QByteArray &subject, const QByteArray &body,
                                      const QList<MailAttachmentSpec> &attachments)
{
    QByteArray mail = "From: Ada Lovelace <ada@example.com>\r\n"
                      "To: team@example.com\r\n"
                      "Date: Tue, 4 Jun 2024 10:00:00 +0200\r\n"
                      "Subject: " +
                      subject +
                      "\r\n"
                      "MIME-Version: 1.0\r\n"
                      "Content-Type: multipart/mixed; boundary=\"mix\"\r\n"
                      "\r\n"
                      "--mix\r\n"
                      "Content-Type: text/plain; charset=utf-8\r\n"
                      "\r\n" +
                      body + "\r\n";
    for (const MailAttachmentSpec &attachment : attachments) {
        mail += "--mix\r\n"
                "Content-Type: " +
                attachment.contentType + "; name=\"" + attachment.fileName +
                "\"\r\n"
                "Content-Disposition: attachment; filename=\"" +
                attachment.fileName +
                "\"\r\n"
                "Content-Transfer-Encoding: base64\r\n"
                "\r\n" +
                base64Lines(attachment.data);
    }
    return mail + "--mix--\r\n";
}

} // namespace aether::test
