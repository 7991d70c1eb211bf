#include "extract/emlextractor.h"

#include "extract/gmimeobjects.h"
#include "extract/htmlextractor.h"
#include "extract/textdecoder.h"
#include "extract/textextractor.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QSet>

namespace aether {

namespace {

constexpr qsizetype kSniffBytes = 8 * 1024;

// Walks a message's MIME tree (parsed by GMime) into text blocks and attachments.
// The depth and part caps (EmlExtractor::kMaxDepth, kMaxParts) keep a hostile
// message of endless nesting or parts from exhausting the stack or memory.
class MimeTreeWalker
{
public:
    MimeTreeWalker(ExtractedDocument &document, const QString &heading, const CancelToken &cancel)
        : m_document(document), m_heading(heading), m_cancel(cancel)
    {}

    // Whether the part gave any text.
    bool collect(GMimeObject *object, int depth = 0)
    {
        m_cancel.check();
        if (!object || depth > EmlExtractor::kMaxDepth || ++m_parts > EmlExtractor::kMaxParts)
            return false;
        if (GMIME_IS_MULTIPART(object)) {
            GMimeMultipart *multipart = GMIME_MULTIPART(object);
            if (gmime::mimeType(object) == "multipart/alternative")
                return collectAlternative(multipart, depth);
            bool any = false;
            for (int i = 0; i < g_mime_multipart_get_count(multipart); ++i)
                any = collect(g_mime_multipart_get_part(multipart, i), depth + 1) || any;
            return any;
        }
        if (GMIME_IS_MESSAGE_PART(object)) {
            // A forwarded message: its text is part of this mail.
            GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
            return inner && collect(g_mime_message_get_mime_part(inner), depth + 1);
        }
        if (!GMIME_IS_PART(object))
            return false;
        GMimePart *part = GMIME_PART(object);
        if (g_mime_part_is_attachment(part)) {
            keepAttachment(part);
            return false;
        }
        const QByteArray type = gmime::mimeType(object);
        if (type == "text/plain")
            return addPlainText(part);
        if (type == "text/html")
            return addHtml(part);
        if (!type.startsWith("text/") && !type.startsWith("multipart/"))
            keepAttachment(part); // an inline image or file is still a file
        return false;
    }

private:
    // The plain text the sender wrote, else the richest other form.
    bool collectAlternative(GMimeMultipart *multipart, int depth)
    {
        const int count = g_mime_multipart_get_count(multipart);
        for (int i = 0; i < count; ++i) {
            GMimeObject *child = g_mime_multipart_get_part(multipart, i);
            if (GMIME_IS_PART(child) && gmime::mimeType(child) == "text/plain" &&
                !g_mime_part_is_attachment(GMIME_PART(child)) && addPlainText(GMIME_PART(child)))
                return true;
        }
        for (int i = count - 1; i >= 0; --i) {
            GMimeObject *child = g_mime_multipart_get_part(multipart, i);
            if (gmime::mimeType(child) != "text/plain" && collect(child, depth + 1))
                return true;
        }
        return false;
    }

    bool addPlainText(GMimePart *part)
    {
        const QByteArray charset =
            g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
        const QString text = TextDecoder::normaliseLineEnds(
            TextDecoder::decode(gmime::decodedContent(part), charset));
        bool any = false;
        for (const QString &paragraph : TextExtractor::splitParagraphs(text, m_cancel)) {
            m_document.blocks.append(TextBlock{paragraph, 0, m_heading});
            any = true;
        }
        return any;
    }

    bool addHtml(GMimePart *part)
    {
        const char *charset =
            g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
        const QString contentType =
            charset ? QStringLiteral("text/html; charset=") + QString::fromLatin1(charset)
                    : QString();
        const ExtractedDocument html = HtmlExtractor::extractText(
            HtmlExtractor::decode(gmime::decodedContent(part), contentType), m_cancel);
        bool any = false;
        for (const TextBlock &block : html.blocks) {
            if (block.text.trimmed().isEmpty())
                continue;
            m_document.blocks.append(TextBlock{block.text, 0, m_heading});
            any = true;
        }
        return any;
    }

    void keepAttachment(GMimePart *part)
    {
        if (m_document.attachments.size() >= EmlExtractor::kMaxAttachments)
            return;
        m_document.attachments.append(EmailAttachment{
            gmime::text(g_mime_part_get_filename(part)),
            QString::fromLatin1(gmime::mimeType(GMIME_OBJECT(part))), gmime::decodedContent(part)});
    }

    ExtractedDocument &m_document;
    const QString &m_heading;
    const CancelToken &m_cancel;
    int m_parts = 0;
};

QString addressList(InternetAddressList *list)
{
    if (!list || internet_address_list_length(list) == 0)
        return {};
    char *text = internet_address_list_to_string(list, nullptr, FALSE);
    const QString result = QString::fromUtf8(text).simplified();
    g_free(text);
    return result;
}

QString isoDate(GMimeMessage *message)
{
    GDateTime *date = g_mime_message_get_date(message);
    if (!date)
        return {};
    char *text = g_date_time_format_iso8601(date);
    const QString iso = QString::fromUtf8(text);
    g_free(text);
    // Seconds precision with the sender's offset: "2024-06-04T10:00:00+02:00".
    return QDateTime::fromString(iso, Qt::ISODate).toString(Qt::ISODate);
}

void addHeaders(ExtractedDocument &document, GMimeMessage *message)
{
    const QString from = addressList(g_mime_message_get_from(message));
    const QString to = addressList(g_mime_message_get_to(message));
    const QString cc = addressList(g_mime_message_get_cc(message));
    const QString date =
        gmime::text(g_mime_object_get_header(GMIME_OBJECT(message), "Date")).simplified();
    const QList<std::pair<const char *, QString>> lines = {
        {"From", from}, {"To", to}, {"Cc", cc}, {"Date", date}, {"Subject", document.title}};
    QStringList headerLines;
    for (const auto &[name, value] : lines) {
        if (!value.isEmpty())
            headerLines.append(QString::fromLatin1(name) + QStringLiteral(": ") + value);
    }
    if (!headerLines.isEmpty())
        document.blocks.append(TextBlock{headerLines.join(u'\n'), 0, document.title});
    const QList<std::pair<QString, QString>> metadata = {
        {QStringLiteral("from"), from},
        {QStringLiteral("to"), to},
        {QStringLiteral("cc"), cc},
        {QStringLiteral("date"), isoDate(message)},
        {QStringLiteral("subject"), document.title}};
    for (const auto &[key, value] : metadata) {
        if (!value.isEmpty())
            document.metadata.insert(key, value);
    }
}

} // namespace

ExtractedDocument EmlExtractor::extract(const QByteArray &data, const QString &fileName,
                                        const CancelToken &cancel) const
{
    Q_UNUSED(fileName);
    cancel.check();
    ExtractedDocument document;
    document.kind = kind();
    const gmime::Ref<GMimeMessage> message = gmime::parseMessage(data);
    if (!message)
        return document;
    // GMime decodes RFC 2047 words in the Subject to UTF-8.
    document.title = gmime::text(g_mime_message_get_subject(message.get())).simplified();
    addHeaders(document, message.get());
    MimeTreeWalker(document, document.title, cancel)
        .collect(g_mime_message_get_mime_part(message.get()));
    return document;
}
bool EmlExtractor::looksLikeEmail(const QByteArray &data)
{
    static const QRegularExpression headerLine(QStringLiteral("^[A-Za-z0-9-]+:"));
    static const QSet<QString> companions = {QStringLiteral("subject"), QStringLiteral("date"),
                                             QStringLiteral("to"), QStringLiteral("message-id"),
                                             QStringLiteral("mime-version")};
    const QString head =
        TextDecoder::normaliseLineEnds(QString::fromLatin1(data.left(kSniffBytes)));
    bool from = false;
    bool companion = false;
    const QStringList lines = head.split(u'\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString &line = lines[i];
        if (line.isEmpty())
            return from && companion;            // end of the header block
        if (i == 0 && line.startsWith(u"From ")) // an mbox separator line
            continue;
        if (line.startsWith(u' ') || line.startsWith(u'\t'))
            continue; // a folded header
        if (!headerLine.match(line).hasMatch())
            return false;
        const QString name = line.section(u':', 0, 0).toLower();
        from = from || name == u"from";
        companion = companion || companions.contains(name);
    }
    // Headers longer than the sniffed bytes, or a message without the empty line
    // that starts its body.
    return from && companion && (data.size() > kSniffBytes || lines.size() > 1);
}

} // namespace aether
