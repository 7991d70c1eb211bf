#include "extract/emlextractor.h"

#include "extract/htmlextractor.h"
#include "extract/mimemessage.h"
#include "extract/textdecoder.h"
#include "extract/textextractor.h"

#include <QRegularExpression>
#include <QSet>

namespace aether {

namespace {

constexpr qsizetype kSniffBytes = 8 * 1024;

class BodyCollector
{
public:
    BodyCollector(ExtractedDocument &document, const QString &heading, const CancelToken &cancel)
        : m_document(document), m_heading(heading), m_cancel(cancel)
    {}

    // Whether the part gave any text.
    bool collect(const MimePart &part, int depth = 0)
    {
        m_cancel.check();
        if (depth > MimePart::kMaxDepth || part.isAttachment())
            return false;
        const QByteArray type = part.mimeType();
        if (type == "multipart/alternative")
            return collectAlternative(part, depth);
        if (part.isMultipart()) {
            bool any = false;
            for (const MimePart &child : part.children())
                any = collect(child, depth + 1) || any;
            return any;
        }
        if (type == "message/rfc822")
            return collect(MimePart::parse(part.decodedBody()), depth + 1);
        if (type == "text/plain")
            return addPlainText(part);
        if (type == "text/html")
            return addHtml(part);
        return false;
    }

private:
    // The plain text the sender wrote, else the richest other form.
    bool collectAlternative(const MimePart &part, int depth)
    {
        const QList<MimePart> children = part.children();
        for (const MimePart &child : children) {
            if (child.mimeType() == "text/plain" && !child.isAttachment() && addPlainText(child))
                return true;
        }
        for (auto it = children.crbegin(); it != children.crend(); ++it) {
            if (it->mimeType() != "text/plain" && collect(*it, depth + 1))
                return true;
        }
        return false;
    }

    bool addPlainText(const MimePart &part)
    {
        const QString text = TextDecoder::normaliseLineEnds(
            TextDecoder::decode(part.decodedBody(), part.parameter("content-type", "charset")));
        bool any = false;
        for (const QString &paragraph : TextExtractor::splitParagraphs(text, m_cancel)) {
            m_document.blocks.append(TextBlock{paragraph, 0, m_heading});
            any = true;
        }
        return any;
    }

    bool addHtml(const MimePart &part)
    {
        const QString contentType = QString::fromLatin1(part.header("content-type"));
        const ExtractedDocument html = HtmlExtractor::extractText(
            HtmlExtractor::decode(part.decodedBody(), contentType), m_cancel);
        bool any = false;
        for (const TextBlock &block : html.blocks) {
            if (block.text.trimmed().isEmpty())
                continue;
            m_document.blocks.append(TextBlock{block.text, 0, m_heading});
            any = true;
        }
        return any;
    }

    ExtractedDocument &m_document;
    const QString &m_heading;
    const CancelToken &m_cancel;
};

} // namespace

ExtractedDocument EmlExtractor::extract(const QByteArray &data, const QString &fileName,
                                        const CancelToken &cancel) const
{
    Q_UNUSED(fileName);
    cancel.check();
    const MimePart message = MimePart::parse(data);
    ExtractedDocument document;
    document.kind = kind();
    document.title = message.headerText("subject");

    QStringList headerLines;
    for (const char *name : {"From", "To", "Cc", "Date", "Subject"}) {
        if (const QString value = message.headerText(name); !value.isEmpty())
            headerLines.append(QString::fromLatin1(name) + QStringLiteral(": ") + value);
    }
    if (!headerLines.isEmpty())
        document.blocks.append(TextBlock{headerLines.join(u'\n'), 0, document.title});
    BodyCollector(document, document.title, cancel).collect(message);
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
