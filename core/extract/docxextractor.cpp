#include "extract/docxextractor.h"

#include "extract/documentbuilder.h"
#include "extract/officepackage.h"
#include "extract/officexml.h"

#include <QHash>
#include <QRegularExpression>
#include <QStringList>

namespace aether {

namespace {

using officexml::attribute;
using officexml::isEnd;
using officexml::isStart;

constexpr int kNotHeading = -1;
constexpr int kMaxBasedOnDepth = 10;

struct ParagraphStyle
{
    int level = kNotHeading; // 0 = Title, 1.. = Heading 1..
    bool isList = false;
    QString basedOn;
};

// Paragraph styles by id. Ids are localised ("berschrift1" in a German Word), the
// built-in names in styles.xml are not ("heading 1"), so levels come from the names.
class DocxStyles
{
public:
    void read(const QByteArray &stylesXml)
    {
        QXmlStreamReader xml(stylesXml);
        QString id;
        while (!xml.atEnd()) {
            xml.readNext();
            if (isStart(xml, u"style")) {
                id = attribute(xml, u"type") == u"paragraph" ? attribute(xml, u"styleId")
                                                             : QString();
            } else if (!id.isEmpty() && isStart(xml, u"name")) {
                applyName(m_styles[id], attribute(xml, u"val").toLower());
            } else if (!id.isEmpty() && isStart(xml, u"basedOn")) {
                m_styles[id].basedOn = attribute(xml, u"val");
            } else if (!id.isEmpty() && isStart(xml, u"outlineLvl")) {
                applyOutlineLevel(m_styles[id], attribute(xml, u"val"));
            }
        }
    }

    int headingLevel(const QString &id) const
    {
        QString current = id;
        for (int depth = 0; depth < kMaxBasedOnDepth && !current.isEmpty(); ++depth) {
            const auto it = m_styles.constFind(current);
            if (it == m_styles.cend())
                return levelFromId(current);
            if (it->level != kNotHeading)
                return it->level;
            current = it->basedOn;
        }
        return kNotHeading;
    }

    bool isList(const QString &id) const
    {
        const auto it = m_styles.constFind(id);
        return it != m_styles.cend() ? it->isList : id.startsWith(u"List");
    }

    static void applyOutlineLevel(ParagraphStyle &style, const QString &value)
    {
        bool ok = false;
        const int level = value.toInt(&ok);
        if (ok && level >= 0 && level < 9) // 9 means body text
            style.level = level + 1;
    }

private:
    static void applyName(ParagraphStyle &style, const QString &name)
    {
        static const QRegularExpression heading(QStringLiteral("^heading\\s*([1-9])$"));
        if (name == u"title")
            style.level = 0;
        else if (const auto match = heading.match(name); match.hasMatch())
            style.level = match.captured(1).toInt();
        style.isList = name.startsWith(u"list");
    }

    // Without styles.xml only the English ids are known.
    static int levelFromId(const QString &id)
    {
        static const QRegularExpression heading(QStringLiteral("^Heading([1-9])$"));
        if (id == u"Title")
            return 0;
        const auto match = heading.match(id);
        return match.hasMatch() ? match.captured(1).toInt() : kNotHeading;
    }

    QHash<QString, ParagraphStyle> m_styles;
};

struct Paragraph
{
    QString text;
    QString styleId;
    ParagraphStyle direct; // outline level set on the paragraph itself
    bool numbered = false;
};

class DocxReader
{
public:
    DocxReader(QXmlStreamReader &xml, const DocxStyles &styles, DocumentBuilder &out)
        : m_xml(xml), m_styles(styles), m_out(out)
    {}

    void read()
    {
        while (!m_xml.atEnd()) {
            m_xml.readNext();
            if (isStart(m_xml, u"p"))
                emitParagraph(readParagraph());
            else if (isStart(m_xml, u"tbl"))
                readTable();
            else if (isStart(m_xml, u"Fallback") || isStart(m_xml, u"sectPr"))
                m_xml.skipCurrentElement();
        }
        m_out.endLines();
    }

private:
    void emitParagraph(const Paragraph &paragraph)
    {
        const int level = paragraph.direct.level != kNotHeading
                              ? paragraph.direct.level
                              : m_styles.headingLevel(paragraph.styleId);
        if (level != kNotHeading)
            m_out.addHeading(level, paragraph.text);
        else if (paragraph.numbered || m_styles.isList(paragraph.styleId))
            m_out.addLine(paragraph.text);
        else
            m_out.addParagraph(paragraph.text);
    }

    // At <w:p>; reads to its end. Text boxes nest paragraphs: they become lines.
    Paragraph readParagraph()
    {
        Paragraph paragraph;
        int depth = 0;
        while (!m_xml.atEnd()) {
            m_xml.readNext();
            if (m_xml.isEndElement()) {
                if (depth-- == 0)
                    break;
                if (m_xml.name() == u"p")
                    paragraph.text += u'\n';
                continue;
            }
            if (!m_xml.isStartElement())
                continue;
            const QStringView name = m_xml.name();
            if (name == u"pPr" && depth == 0) {
                readParagraphProperties(paragraph);
            } else if (name == u"t") {
                paragraph.text += m_xml.readElementText(QXmlStreamReader::SkipChildElements);
            } else if (name == u"tab") {
                paragraph.text += u'\t';
                m_xml.skipCurrentElement();
            } else if (name == u"br" || name == u"cr") {
                paragraph.text += u'\n';
                m_xml.skipCurrentElement();
            } else if (name == u"noBreakHyphen") {
                paragraph.text += u'-';
                m_xml.skipCurrentElement();
            } else if (name == u"Fallback" || name == u"rPr" || name == u"pPr") {
                m_xml.skipCurrentElement(); // Fallback repeats the Choice's text
            } else {
                ++depth;
            }
        }
        return paragraph;
    }

    void readParagraphProperties(Paragraph &paragraph)
    {
        while (!m_xml.atEnd()) {
            m_xml.readNext();
            if (isEnd(m_xml, u"pPr"))
                return;
            if (isStart(m_xml, u"pStyle"))
                paragraph.styleId = attribute(m_xml, u"val");
            else if (isStart(m_xml, u"numPr"))
                paragraph.numbered = true;
            else if (isStart(m_xml, u"outlineLvl"))
                DocxStyles::applyOutlineLevel(paragraph.direct, attribute(m_xml, u"val"));
            else if (isStart(m_xml, u"rPr"))
                m_xml.skipCurrentElement();
        }
    }

    // At <w:tbl>: one line per row, cells joined with " | ".
    void readTable()
    {
        m_out.endLines();
        while (!m_xml.atEnd()) {
            m_xml.readNext();
            if (isEnd(m_xml, u"tbl"))
                break;
            if (isStart(m_xml, u"tr"))
                m_out.addLine(readRow().join(QStringLiteral(" | ")));
        }
        m_out.endLines();
    }

    QStringList readRow()
    {
        QStringList cells;
        bool any = false;
        while (!m_xml.atEnd()) {
            m_xml.readNext();
            if (isEnd(m_xml, u"tr"))
                break;
            if (isStart(m_xml, u"tc")) {
                cells.append(readCell());
                any = any || !cells.last().isEmpty();
            }
        }
        while (!cells.isEmpty() && cells.last().isEmpty())
            cells.removeLast();
        return any ? cells : QStringList();
    }

    QString readCell()
    {
        QStringList parts;
        while (!m_xml.atEnd()) {
            m_xml.readNext();
            if (isEnd(m_xml, u"tc"))
                break;
            if (isStart(m_xml, u"p")) {
                parts.append(readParagraph().text.simplified());
            } else if (isStart(m_xml, u"tbl")) {
                QStringList rows;
                while (!m_xml.atEnd() && !isEnd(m_xml, u"tbl")) {
                    m_xml.readNext();
                    if (isStart(m_xml, u"tr"))
                        rows.append(readRow().join(QStringLiteral(", ")));
                }
                parts.append(rows.join(QStringLiteral("; ")));
            }
        }
        parts.removeAll(QString());
        return parts.join(u' ');
    }

    QXmlStreamReader &m_xml;
    const DocxStyles &m_styles;
    DocumentBuilder &m_out;
};

} // namespace

ExtractedDocument DocxExtractor::extract(const QByteArray &data, const QString &fileName,
                                         const CancelToken &cancel) const
{
    Q_UNUSED(fileName);
    cancel.check();
    OfficePackage package(data, QStringLiteral("Word document"), cancel);
    const QString mainPart = package.mainPart(QStringLiteral("word/document.xml"));
    const QString folder = mainPart.left(mainPart.lastIndexOf(u'/') + 1);
    DocxStyles styles;
    styles.read(package.readOptional(folder + QStringLiteral("styles.xml")));

    DocumentBuilder out(kind(), cancel);
    QXmlStreamReader xml(package.read(mainPart));
    DocxReader(xml, styles, out).read();
    package.checkXml(xml, mainPart);

    ExtractedDocument document = out.take();
    document.title = package.metadataTitle();
    if (document.title.isEmpty())
        document.title = out.firstHeading();
    return document;
}

} // namespace aether
