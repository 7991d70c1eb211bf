#include "extract/pptxextractor.h"

#include "extract/documentbuilder.h"
#include "extract/officepackage.h"
#include "extract/officexml.h"

#include <QRegularExpression>
#include <QStringList>

#include <algorithm>

namespace aether {

namespace {

using officexml::attribute;
using officexml::isEnd;
using officexml::isStart;

// Slide parts in the order the presentation lists them; when that list is
// missing or broken, ppt/slides/slideN.xml in numeric order.
QStringList slideParts(OfficePackage &package)
{
    const QString presentation = package.mainPart(QStringLiteral("ppt/presentation.xml"));
    const QHash<QString, QString> targets = package.relationships(presentation);
    QStringList parts;
    QXmlStreamReader xml(package.read(presentation));
    while (!xml.atEnd()) {
        xml.readNext();
        if (!isStart(xml, u"sldId"))
            continue;
        const QString part = targets.value(attribute(xml, u"id", true));
        if (!part.isEmpty() && package.contains(part) && !parts.contains(part))
            parts.append(part);
    }
    package.checkXml(xml, presentation);
    if (!parts.isEmpty())
        return parts;

    static const QRegularExpression slideName(QStringLiteral("^ppt/slides/slide(\\d+)\\.xml$"),
                                              QRegularExpression::CaseInsensitiveOption);
    QList<std::pair<int, QString>> numbered;
    for (const QString &name : package.zip().entryNames()) {
        if (const auto match = slideName.match(name); match.hasMatch())
            numbered.append({match.captured(1).toInt(), name});
    }
    std::sort(numbered.begin(), numbered.end());
    for (const auto &[number, name] : std::as_const(numbered))
        parts.append(name);
    return parts;
}

struct Slide
{
    QString title;
    QStringList lines;
};

class SlideReader
{
public:
    explicit SlideReader(QXmlStreamReader &xml) : m_xml(xml) {}

    Slide read()
    {
        Slide slide;
        while (!m_xml.atEnd()) {
            m_xml.readNext();
            if (isStart(m_xml, u"sp"))
                readShape(slide);
            else if (isStart(m_xml, u"tbl"))
                readTable(slide);
            else if (isStart(m_xml, u"Fallback"))
                m_xml.skipCurrentElement(); // repeats the Choice's content
        }
        return slide;
    }

private:
    void readShape(Slide &slide)
    {
        bool isTitle = false;
        QStringList paragraphs;
        while (!m_xml.atEnd()) {
            m_xml.readNext();
            if (isEnd(m_xml, u"sp"))
                break;
            if (isStart(m_xml, u"ph")) {
                const QString type = attribute(m_xml, u"type");
                isTitle = type == u"title" || type == u"ctrTitle";
            } else if (isStart(m_xml, u"p")) {
                paragraphs.append(readParagraph());
            }
        }
        paragraphs.removeAll(QString());
        if (isTitle && slide.title.isEmpty())
            slide.title = paragraphs.join(u' ').simplified();
        else
            slide.lines += paragraphs;
    }

    // At <a:p>; reads to its end.
    QString readParagraph()
    {
        QString text;
        while (!m_xml.atEnd()) {
            m_xml.readNext();
            if (isEnd(m_xml, u"p"))
                break;
            if (isStart(m_xml, u"t"))
                text += m_xml.readElementText(QXmlStreamReader::SkipChildElements);
            else if (isStart(m_xml, u"br"))
                text += u'\n';
            else if (isStart(m_xml, u"tab"))
                text += u'\t';
        }
        return text.trimmed();
    }

    // At <a:tbl>: one line per row, cells joined with " | ".
    void readTable(Slide &slide)
    {
        QStringList cells;
        QStringList cell;
        while (!m_xml.atEnd()) {
            m_xml.readNext();
            if (isEnd(m_xml, u"tbl"))
                break;
            if (isStart(m_xml, u"p")) {
                cell.append(readParagraph());
            } else if (isEnd(m_xml, u"tc")) {
                cell.removeAll(QString());
                cells.append(cell.join(u' ').simplified());
                cell.clear();
            } else if (isEnd(m_xml, u"tr")) {
                if (!cells.join(QString()).isEmpty())
                    slide.lines.append(cells.join(QStringLiteral(" | ")));
                cells.clear();
            }
        }
    }

    QXmlStreamReader &m_xml;
};

} // namespace

ExtractedDocument PptxExtractor::extract(const QByteArray &data, const QString &fileName,
                                         const CancelToken &cancel) const
{
    Q_UNUSED(fileName);
    cancel.check();
    OfficePackage package(data, QStringLiteral("PowerPoint presentation"), cancel);
    const QStringList parts = slideParts(package);

    DocumentBuilder out(kind(), cancel);
    QString firstTitle;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        cancel.check();
        QXmlStreamReader xml(package.read(parts[i]));
        const Slide slide = SlideReader(xml).read();
        package.checkXml(xml, parts[i]);
        out.resetHeadings();
        out.setPage(int(i + 1));
        out.addHeading(1, slide.title);
        for (const QString &line : slide.lines)
            out.addLine(line);
        if (firstTitle.isEmpty())
            firstTitle = slide.title.simplified();
    }

    ExtractedDocument document = out.take();
    document.pageCount = int(parts.size());
    document.title = package.metadataTitle();
    if (document.title.isEmpty())
        document.title = firstTitle;
    return document;
}

} // namespace aether
