#include "extract/markdownextractor.h"

#include "extract/headingpath.h"
#include "extract/textdecoder.h"

#include <QRegularExpression>
#include <QStringList>

namespace aether {

namespace {

using Re = QRegularExpression;

// Checking the token is cheap, but not free: once per batch of lines.
constexpr qsizetype kLinesPerCancelCheck = 1000;

const Re &fenceOpenRe()
{
    static const Re re(QStringLiteral("^ {0,3}(`{3,}|~{3,})"));
    return re;
}

const Re &atxHeadingRe()
{
    static const Re re(QStringLiteral("^ {0,3}(#{1,6})(?:[ \\t]+(.*?))?(?:[ \\t]+#+)?[ \\t]*$"));
    return re;
}

// Strips the "> " of block quotes; their text is ordinary text for search.
QString withoutQuoteMarkers(const QString &line)
{
    static const Re re(QStringLiteral("^ {0,3}(?:> ?)+"));
    return QString(line).remove(re);
}

bool isBlank(const QString &line)
{
    return line.trimmed().isEmpty();
}

// Walks the lines once, keeping the block being built and the heading in force.
class MarkdownReader
{
public:
    MarkdownReader(ExtractedDocument &document, const CancelToken &cancel)
        : m_document(document), m_cancel(cancel)
    {}

    void read(const QStringList &lines)
    {
        for (qsizetype i = skipFrontMatter(lines); i < lines.size(); ++i) {
            if (i % kLinesPerCancelCheck == 0)
                m_cancel.check();
            readLine(lines[i]);
        }
        if (!m_fence.isEmpty())
            flushCode();
        flushParagraph();
    }

private:
    static qsizetype skipFrontMatter(const QStringList &lines)
    {
        if (lines.isEmpty() || lines.first().trimmed() != QLatin1String("---"))
            return 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QString line = lines[i].trimmed();
            if (line == QLatin1String("---") || line == QLatin1String("..."))
                return i + 1;
        }
        return 0;
    }

    void readLine(const QString &line)
    {
        if (!m_fence.isEmpty()) {
            readCodeLine(line);
            return;
        }
        if (const auto fence = fenceOpenRe().match(line); fence.hasMatch()) {
            flushParagraph();
            m_fence = fence.captured(1);
            return;
        }
        if (isBlank(line)) {
            flushParagraph();
            return;
        }
        if (const auto atx = atxHeadingRe().match(line); atx.hasMatch()) {
            flushParagraph();
            addHeading(atx.captured(2), atx.capturedLength(1));
            return;
        }
        if (readSetextUnderline(line) || isThematicBreak(line) || isLinkDefinition(line))
            return;
        const QString text = withoutQuoteMarkers(line);
        if (isBlank(text))
            flushParagraph();
        else
            m_paragraph.append(text);
    }

    void readCodeLine(const QString &line)
    {
        // A fence closes with the same character, at least as many times.
        static const Re closeRe(QStringLiteral("^ {0,3}(`{3,}|~{3,})[ \\t]*$"));
        const auto close = closeRe.match(line);
        if (close.hasMatch() && close.captured(1).front() == m_fence.front() &&
            close.capturedLength(1) >= m_fence.size())
            flushCode();
        else
            m_code.append(line);
    }

    // "Title\n=====" makes a level-1 heading, "Title\n-----" a level-2 one.
    bool readSetextUnderline(const QString &line)
    {
        static const Re re(QStringLiteral("^ {0,3}(=+|-+)[ \\t]*$"));
        if (m_paragraph.isEmpty())
            return false;
        const auto match = re.match(line);
        if (!match.hasMatch())
            return false;
        const QString text = m_paragraph.join(u' ');
        m_paragraph.clear();
        addHeading(text, match.captured(1).startsWith(u'=') ? 1 : 2);
        return true;
    }

    static bool isThematicBreak(const QString &line)
    {
        static const Re re(QStringLiteral("^ {0,3}([-*_])(?:[ \\t]*\\1){2,}[ \\t]*$"));
        return re.match(line).hasMatch();
    }

    static bool isLinkDefinition(const QString &line)
    {
        static const Re re(QStringLiteral("^ {0,3}\\[[^\\]]+\\]:[ \\t]*\\S+"));
        return re.match(line).hasMatch();
    }

    void addHeading(const QString &raw, int level)
    {
        const QString text = MarkdownExtractor::stripInlineMarkup(raw.trimmed()).trimmed();
        if (text.isEmpty())
            return;
        m_headings.enter(level, text);
        m_heading = m_headings.path();
        m_document.blocks.append(TextBlock{text, 0, m_heading});
        if (level == 1 && m_document.title.isEmpty())
            m_document.title = text;
    }

    void flushParagraph()
    {
        if (m_paragraph.isEmpty())
            return;
        QStringList cleaned;
        for (const QString &line : std::as_const(m_paragraph))
            cleaned.append(MarkdownExtractor::stripInlineMarkup(line).trimmed());
        m_paragraph.clear();
        const QString text = cleaned.join(u'\n').trimmed();
        if (!text.isEmpty())
            m_document.blocks.append(TextBlock{text, 0, m_heading});
    }

    void flushCode()
    {
        m_fence.clear();
        const QString text = m_code.join(u'\n');
        m_code.clear();
        if (!isBlank(text))
            m_document.blocks.append(TextBlock{text, 0, m_heading});
    }

    ExtractedDocument &m_document;
    const CancelToken &m_cancel;
    HeadingPath m_headings;
    QString m_heading; // the path of m_headings, for every block until the next heading
    QStringList m_paragraph;
    QString m_fence; // the opening fence while inside a code block
    QStringList m_code;
};

// Backslash-escaped punctuation (\* for a literal star) is text. It is parked in the
// private-use area while markup is removed, so no pattern can mistake it for
// markup, and restored afterwards.
constexpr char16_t kEscapeBase = 0xE000;

QString hideEscapes(const QString &text)
{
    static const Re escape(QStringLiteral("\\\\([!-/:-@\\[-`{-~])"));
    QString result;
    qsizetype done = 0;
    auto matches = escape.globalMatch(text);
    while (matches.hasNext()) {
        const auto match = matches.next();
        result += QStringView(text).mid(done, match.capturedStart() - done);
        result += QChar(char16_t(kEscapeBase + match.capturedView(1).front().unicode()));
        done = match.capturedEnd();
    }
    result += QStringView(text).mid(done);
    return result;
}

QString restoreEscapes(QString text)
{
    for (QChar &ch : text) {
        if (ch.unicode() >= kEscapeBase && ch.unicode() < kEscapeBase + 0x80)
            ch = QChar(char16_t(ch.unicode() - kEscapeBase));
    }
    return text;
}

QString stripOutsideCode(const QString &raw)
{
    static const Re image(QStringLiteral("!\\[([^\\]]*)\\]\\([^)]*\\)"));
    static const Re link(QStringLiteral("\\[([^\\]]+)\\]\\([^)]*\\)"));
    static const Re referenceLink(QStringLiteral("\\[([^\\]]+)\\]\\[[^\\]]*\\]"));
    static const Re autolink(QStringLiteral("<((?:https?|ftp|mailto):[^>\\s]+)>"));
    static const Re strong(QStringLiteral("(\\*\\*|__)(?=\\S)(.+?)(?<=\\S)\\1"));
    static const Re strike(QStringLiteral("~~(?=\\S)(.+?)(?<=\\S)~~"));
    static const Re starEmphasis(
        QStringLiteral("(?<![\\w*])\\*(?=[^\\s*])(.+?)(?<=[^\\s*])\\*(?![\\w*])"),
        Re::UseUnicodePropertiesOption);
    // Underscores inside words (snake_case) are not emphasis.
    static const Re underscoreEmphasis(
        QStringLiteral("(?<![\\w_])_(?=[^\\s_])(.+?)(?<=[^\\s_])_(?![\\w_])"),
        Re::UseUnicodePropertiesOption);

    QString text = hideEscapes(raw);
    text.replace(image, QStringLiteral("\\1"));
    text.replace(link, QStringLiteral("\\1"));
    text.replace(referenceLink, QStringLiteral("\\1"));
    text.replace(autolink, QStringLiteral("\\1"));
    text.replace(strong, QStringLiteral("\\2"));
    text.replace(strike, QStringLiteral("\\1"));
    text.replace(starEmphasis, QStringLiteral("\\1"));
    text.replace(underscoreEmphasis, QStringLiteral("\\1"));
    return restoreEscapes(text);
}

} // namespace

ExtractedDocument MarkdownExtractor::extract(const QByteArray &data, const QString &fileName,
                                             const CancelToken &cancel) const
{
    Q_UNUSED(fileName);
    cancel.check();
    ExtractedDocument document;
    document.kind = kind();
    const QString text = TextDecoder::normaliseLineEnds(TextDecoder::decode(data));
    MarkdownReader(document, cancel).read(text.split(u'\n'));
    return document;
}

QString MarkdownExtractor::stripInlineMarkup(const QString &line)
{
    // Code spans are kept verbatim: their asterisks and brackets are content.
    static const Re codeSpan(QStringLiteral("(`+)(.+?)\\1"));
    QString result;
    qsizetype done = 0;
    auto spans = codeSpan.globalMatch(line);
    while (spans.hasNext()) {
        const auto span = spans.next();
        result += stripOutsideCode(line.mid(done, span.capturedStart() - done));
        result += span.captured(2).trimmed();
        done = span.capturedEnd();
    }
    result += stripOutsideCode(line.mid(done));
    return result;
}

} // namespace aether
