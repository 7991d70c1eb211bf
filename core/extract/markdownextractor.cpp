#include "extract/markdownextractor.h"

#include "extract/headingpath.h"
#include "extract/textdecoder.h"

#include <md4c.h>

#include <QHash>
#include <QStringList>

namespace aether {

namespace {

// Checking the token is cheap, but not free: once per batch of callbacks.
constexpr int kCallbacksPerCancelCheck = 1000;

// "---" yaml "---" at the very start is metadata for site generators, not text.
QString withoutFrontMatter(const QString &text)
{
    const QStringList lines = text.split(u'\n');
    if (lines.isEmpty() || lines.first().trimmed() != QLatin1String("---"))
        return text;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QString line = lines[i].trimmed();
        if (line == QLatin1String("---") || line == QLatin1String("..."))
            return lines.mid(i + 1).join(u'\n');
    }
    return text;
}

// The few entities worth decoding by name; numeric ones are decoded in full.
QString decodeEntity(const QString &entity)
{
    if (entity.startsWith(QLatin1String("&#"))) {
        const bool hex = entity.size() > 2 && (entity[2] == u'x' || entity[2] == u'X');
        bool ok = false;
        const uint code = entity.mid(hex ? 3 : 2).chopped(1).toUInt(&ok, hex ? 16 : 10);
        if (ok && code > 0 && code <= 0x10FFFF)
            return QString::fromUcs4(reinterpret_cast<const char32_t *>(&code), 1);
        return entity;
    }
    static const QHash<QString, QString> named{
        {QStringLiteral("&amp;"), QStringLiteral("&")},
        {QStringLiteral("&lt;"), QStringLiteral("<")},
        {QStringLiteral("&gt;"), QStringLiteral(">")},
        {QStringLiteral("&quot;"), QStringLiteral("\"")},
        {QStringLiteral("&apos;"), QStringLiteral("'")},
        {QStringLiteral("&nbsp;"), QStringLiteral(" ")},
    };
    return named.value(entity, entity);
}

// Receives md4c's callbacks: collects the text of the leaf block being read and
// turns each finished block into a TextBlock under the heading in force.
class MarkdownReader
{
public:
    MarkdownReader(ExtractedDocument &document, const CancelToken &cancel)
        : m_document(document), m_cancel(cancel)
    {}

    void read(const QByteArray &utf8)
    {
        MD_PARSER parser{};
        parser.abi_version = 0;
        parser.flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEAUTOLINKS;
        parser.enter_block = &MarkdownReader::onEnterBlock;
        parser.leave_block = &MarkdownReader::onLeaveBlock;
        parser.enter_span = &MarkdownReader::onSpan;
        parser.leave_span = &MarkdownReader::onSpan;
        parser.text = &MarkdownReader::onText;
        md_parse(utf8.constData(), MD_SIZE(utf8.size()), &parser, this);
        // md4c is C: the token is not thrown through it, a callback stops the parse.
        m_cancel.check();
    }

private:
    static MarkdownReader &self(void *userdata) { return *static_cast<MarkdownReader *>(userdata); }

    static int onEnterBlock(MD_BLOCKTYPE type, void *, void *userdata)
    {
        return self(userdata).enterBlock(type);
    }
    static int onLeaveBlock(MD_BLOCKTYPE type, void *detail, void *userdata)
    {
        return self(userdata).leaveBlock(type, detail);
    }
    static int onSpan(MD_SPANTYPE, void *, void *userdata) { return self(userdata).interrupted(); }
    static int onText(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *userdata)
    {
        return self(userdata).addText(type, QString::fromUtf8(text, qsizetype(size)));
    }

    int interrupted()
    {
        if (++m_callbacks % kCallbacksPerCancelCheck != 0)
            return 0;
        return m_cancel.isInterrupted() ? 1 : 0;
    }

    int enterBlock(MD_BLOCKTYPE type)
    {
        switch (type) {
        case MD_BLOCK_UL:
        case MD_BLOCK_OL:
        case MD_BLOCK_TABLE:
            ++m_groupDepth;
            break;
        case MD_BLOCK_HTML:
            m_inHtmlBlock = true;
            break;
        case MD_BLOCK_TD:
        case MD_BLOCK_TH:
            m_cells.append(QString());
            break;
        default:
            break;
        }
        m_text.clear();
        return interrupted();
    }

    int leaveBlock(MD_BLOCKTYPE type, void *detail)
    {
        switch (type) {
        case MD_BLOCK_H:
            addHeading(m_text.trimmed(), int(static_cast<MD_BLOCK_H_DETAIL *>(detail)->level));
            break;
        case MD_BLOCK_CODE:
            addBlock(m_text.endsWith(u'\n') ? m_text.chopped(1) : m_text);
            break;
        case MD_BLOCK_HTML:
            m_inHtmlBlock = false;
            break;
        case MD_BLOCK_P:
        case MD_BLOCK_LI:
            addLine(cleanedParagraph(m_text));
            break;
        case MD_BLOCK_TD:
        case MD_BLOCK_TH:
            m_cells.last() = m_text.simplified();
            break;
        case MD_BLOCK_TR:
            m_cells.removeAll(QString());
            addLine(m_cells.join(QLatin1String(" | ")));
            m_cells.clear();
            break;
        case MD_BLOCK_UL:
        case MD_BLOCK_OL:
        case MD_BLOCK_TABLE:
            if (--m_groupDepth == 0) {
                addBlock(m_group.join(u'\n'));
                m_group.clear();
            }
            break;
        default:
            break;
        }
        m_text.clear();
        return interrupted();
    }

    int addText(MD_TEXTTYPE type, const QString &text)
    {
        switch (type) {
        case MD_TEXT_HTML: // tags and comments; the text between tags comes as normal text
            break;
        case MD_TEXT_BR:
        case MD_TEXT_SOFTBR:
            m_text += u'\n';
            break;
        case MD_TEXT_ENTITY:
            m_text += decodeEntity(text);
            break;
        case MD_TEXT_NULLCHAR:
            m_text += QChar(0xFFFD);
            break;
        default:
            if (!m_inHtmlBlock)
                m_text += text;
            break;
        }
        return interrupted();
    }

    static QString cleanedParagraph(const QString &text)
    {
        QStringList lines = text.split(u'\n');
        for (QString &line : lines)
            line = line.trimmed();
        return lines.join(u'\n').trimmed();
    }

    // Inside a list or table each item or row is a line of the group's one block.
    void addLine(const QString &line)
    {
        if (line.isEmpty())
            return;
        if (m_groupDepth > 0)
            m_group.append(line);
        else
            addBlock(line);
    }

    void addBlock(const QString &text)
    {
        if (!text.trimmed().isEmpty())
            m_document.blocks.append(TextBlock{text, 0, m_heading});
    }

    void addHeading(const QString &text, int level)
    {
        if (text.isEmpty())
            return;
        m_headings.enter(level, text);
        m_heading = m_headings.path();
        m_document.blocks.append(TextBlock{text, 0, m_heading});
        if (level == 1 && m_document.title.isEmpty())
            m_document.title = text;
    }

    ExtractedDocument &m_document;
    const CancelToken &m_cancel;
    HeadingPath m_headings;
    QString m_heading; // the path of m_headings, for every block until the next heading
    QString m_text;    // the text of the leaf block being read
    QStringList m_cells;
    QStringList m_group; // the lines of the list or table being read
    int m_groupDepth = 0;
    bool m_inHtmlBlock = false;
    int m_callbacks = 0;
};

} // namespace

ExtractedDocument MarkdownExtractor::extract(const QByteArray &data, const QString &fileName,
                                             const CancelToken &cancel) const
{
    Q_UNUSED(fileName);
    cancel.check();
    ExtractedDocument document;
    document.kind = kind();
    const QString text =
        withoutFrontMatter(TextDecoder::normaliseLineEnds(TextDecoder::decode(data)));
    MarkdownReader(document, cancel).read(text.toUtf8());
    return document;
}

} // namespace aether
