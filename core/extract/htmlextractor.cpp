#include "extract/htmlextractor.h"

#include "extract/htmlentities.h"
#include "extract/textdecoder.h"

#include <QRegularExpression>
#include <QStringList>

namespace aether {

namespace {

// Checking the token is cheap, but not free: once per batch of text runs and tags.
constexpr qsizetype kStepsPerCancelCheck = 1000;

enum class Break
{
    None,
    Line,
    Paragraph
};

bool isOneOf(QStringView name, std::initializer_list<const char16_t *> names)
{
    for (const char16_t *candidate : names) {
        if (name == QStringView(candidate))
            return true;
    }
    return false;
}

// Elements whose content is never part of the readable text.
bool isDropped(QStringView name)
{
    return isOneOf(name, {u"script", u"style", u"noscript", u"nav", u"header", u"footer", u"aside",
                          u"form", u"svg", u"template", u"iframe", u"object", u"canvas", u"select",
                          u"button"});
}

// Script and style content is raw text: a "<" inside it opens no tag.
bool isRawText(QStringView name)
{
    return isOneOf(name, {u"script", u"style"});
}

bool isHeading(QStringView name)
{
    return name.size() == 2 && name[0] == u'h' && name[1] >= u'1' && name[1] <= u'6';
}

Break breakFor(QStringView name)
{
    if (isOneOf(name, {u"br", u"li", u"tr", u"dt", u"dd", u"option", u"caption"}))
        return Break::Line;
    if (isHeading(name) ||
        isOneOf(name, {u"p", u"div", u"section", u"article", u"main", u"pre", u"blockquote", u"ul",
                       u"ol", u"dl", u"table", u"figure", u"figcaption", u"hr", u"address",
                       u"details", u"summary", u"fieldset", u"body"}))
        return Break::Paragraph;
    return Break::None;
}

QString collapseWhitespace(QStringView text)
{
    QString collapsed = text.toString();
    collapsed.replace(QChar(0x00A0), u' ');
    return collapsed.simplified();
}

// One pass over the markup, building blocks as block-level tags open and close.
class HtmlReader
{
public:
    HtmlReader(QStringView html, ExtractedDocument &document, const CancelToken &cancel)
        : m_html(html), m_document(document), m_cancel(cancel)
    {}

    void read()
    {
        qsizetype i = 0;
        for (qsizetype step = 1; i < m_html.size(); ++step) {
            if (step % kStepsPerCancelCheck == 0)
                m_cancel.check();
            const qsizetype lt = m_html.indexOf(u'<', i);
            const qsizetype textEnd = lt < 0 ? m_html.size() : lt;
            appendText(m_html.mid(i, textEnd - i));
            i = lt < 0 ? m_html.size() : readMarkup(lt);
        }
        flushParagraph();
        if (m_document.title.isEmpty())
            m_document.title = m_firstH1;
    }

private:
    struct Tag
    {
        QString name; // lower-case
        bool closing = false;
        bool selfClosing = false;
        qsizetype end = 0; // index after '>'
    };

    // Handles what starts at m_html[at] == '<'; returns where text resumes.
    qsizetype readMarkup(qsizetype at)
    {
        if (m_html.mid(at).startsWith(u"<!--"))
            return skipPast(at + 4, u"-->");
        const QChar next = at + 1 < m_html.size() ? m_html[at + 1] : QChar();
        if (next == u'!' || next == u'?')
            return skipPast(at + 2, u">");
        const Tag tag = parseTag(at);
        if (tag.name.isEmpty()) {
            appendText(m_html.mid(at, 1)); // a lone "<" is text
            return at + 1;
        }
        return tag.closing ? closeTag(tag) : openTag(tag);
    }

    Tag parseTag(qsizetype at) const
    {
        Tag tag;
        qsizetype i = at + 1;
        if (i < m_html.size() && m_html[i] == u'/') {
            tag.closing = true;
            ++i;
        }
        const qsizetype nameStart = i;
        while (i < m_html.size() && (m_html[i].isLetterOrNumber() || m_html[i] == u'-'))
            ++i;
        if (i == nameStart || !m_html[nameStart].isLetter())
            return {};
        tag.name = m_html.mid(nameStart, i - nameStart).toString().toLower();
        QChar quote;
        QChar previous; // last non-space character outside quotes
        for (; i < m_html.size(); ++i) {
            const QChar ch = m_html[i];
            if (!quote.isNull()) {
                if (ch == quote)
                    quote = QChar();
            } else if ((ch == u'"' || ch == u'\'') && previous == u'=') {
                quote = ch; // only a value can be quoted: alt=don't has no quote
            } else if (ch == u'>') {
                tag.selfClosing = previous == u'/';
                break;
            } else if (!ch.isSpace()) {
                previous = ch;
            }
        }
        tag.end = qMin(i + 1, m_html.size());
        return tag;
    }

    qsizetype openTag(const Tag &tag)
    {
        if (tag.name == u"title")
            return readTitle(tag.end);
        if (isDropped(tag.name))
            return tag.selfClosing ? tag.end : skipElement(tag.name, tag.end);
        applyBreak(breakFor(tag.name));
        if (tag.name == u"pre")
            ++m_preDepth;
        else if (tag.name == u"td" || tag.name == u"th")
            m_paragraph += u' ';
        return tag.end;
    }

    qsizetype closeTag(const Tag &tag)
    {
        if (isHeading(tag.name)) {
            closeHeading(tag.name == u"h1");
            return tag.end;
        }
        if (tag.name == u"pre" && m_preDepth > 0)
            --m_preDepth;
        applyBreak(breakFor(tag.name));
        return tag.end;
    }

    qsizetype readTitle(qsizetype from)
    {
        const qsizetype end = findCloseTag(u"title", from);
        if (m_document.title.isEmpty())
            m_document.title = collapseWhitespace(decodeHtmlEntities(m_html.mid(from, end - from)));
        return skipPast(end, u">");
    }

    // Skips to after the matching end tag, counting nested elements of the same name.
    qsizetype skipElement(const QString &name, qsizetype from)
    {
        if (isRawText(name))
            return skipPast(findCloseTag(name, from), u">");
        int depth = 1;
        qsizetype i = from;
        while (depth > 0) {
            const qsizetype lt = m_html.indexOf(u'<', i);
            if (lt < 0)
                return m_html.size();
            const Tag tag = parseTag(lt);
            if (tag.name == name && !tag.selfClosing)
                depth += tag.closing ? -1 : 1;
            i = tag.name.isEmpty() ? lt + 1 : tag.end;
        }
        return i;
    }

    qsizetype findCloseTag(QStringView name, qsizetype from) const
    {
        const QString needle = u"</" + name.toString();
        const qsizetype at = m_html.indexOf(needle, from, Qt::CaseInsensitive);
        return at < 0 ? m_html.size() : at;
    }

    qsizetype skipPast(qsizetype from, QStringView end) const
    {
        const qsizetype at = m_html.indexOf(end, from);
        return at < 0 ? m_html.size() : at + end.size();
    }

    void appendText(QStringView raw)
    {
        if (raw.isEmpty())
            return;
        QString text = decodeHtmlEntities(raw);
        for (QChar &ch : text) {
            // Source line breaks are plain spaces, except inside <pre>.
            if (ch == u'\n' && m_preDepth > 0)
                continue;
            if (ch.isSpace())
                ch = u' ';
        }
        m_paragraph += text;
    }

    void applyBreak(Break kind)
    {
        if (kind == Break::Line)
            m_paragraph += u'\n';
        else if (kind == Break::Paragraph)
            flushParagraph();
    }

    QString takeParagraph()
    {
        QStringList lines;
        for (QStringView line : QStringView(m_paragraph).split(u'\n')) {
            const QString collapsed = collapseWhitespace(line);
            if (!collapsed.isEmpty())
                lines.append(collapsed);
        }
        m_paragraph.clear();
        return lines.join(u'\n');
    }

    void flushParagraph()
    {
        const QString text = takeParagraph();
        if (!text.isEmpty())
            m_document.blocks.append(TextBlock{text, 0, m_heading});
    }

    void closeHeading(bool isH1)
    {
        const QString text = takeParagraph().replace(u'\n', u' ');
        if (text.isEmpty())
            return;
        m_heading = text;
        m_document.blocks.append(TextBlock{text, 0, text});
        if (isH1 && m_firstH1.isEmpty())
            m_firstH1 = text;
    }

    QStringView m_html;
    ExtractedDocument &m_document;
    const CancelToken &m_cancel;
    QString m_paragraph; // text since the last block break; '\n' marks line breaks
    QString m_heading;
    QString m_firstH1;
    int m_preDepth = 0;
};

QByteArray metaCharset(const QByteArray &head)
{
    // Matches <meta charset="x"> and <meta http-equiv=... content="...; charset=x">.
    static const QRegularExpression re(
        QStringLiteral("<meta[^>]*?charset\\s*=\\s*[\"']?\\s*([A-Za-z0-9._:-]+)"),
        QRegularExpression::CaseInsensitiveOption);
    const auto match = re.match(QString::fromLatin1(head));
    if (!match.hasMatch())
        return {};
    const QByteArray charset = match.captured(1).toLatin1().toLower();
    // A page readable enough to find its <meta> in is not UTF-16; the HTML
    // standard reads such a declaration as UTF-8.
    return charset.startsWith("utf-16") ? QByteArray("utf-8") : charset;
}

} // namespace

ExtractedDocument HtmlExtractor::extract(const QByteArray &data, const QString &fileName,
                                         const CancelToken &cancel) const
{
    Q_UNUSED(fileName);
    cancel.check();
    return extractText(decode(data), cancel);
}

QString HtmlExtractor::decode(const QByteArray &bytes, const QString &contentTypeHeader)
{
    QByteArray charset = TextDecoder::charsetFromContentType(contentTypeHeader);
    if (!TextDecoder::supportsCharset(charset) &&
        TextDecoder::bomOf(bytes) == TextDecoder::Bom::None)
        charset = metaCharset(bytes.left(2048));
    return TextDecoder::decode(bytes, charset);
}

ExtractedDocument HtmlExtractor::extractText(QStringView html, const CancelToken &cancel)
{
    ExtractedDocument document;
    document.kind = QStringLiteral("html");
    HtmlReader(html, document, cancel).read();
    return document;
}

} // namespace aether
