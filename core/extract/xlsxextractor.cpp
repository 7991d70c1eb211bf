#include "extract/xlsxextractor.h"

#include "extract/documentbuilder.h"
#include "extract/officepackage.h"
#include "extract/officexml.h"
#include "extract/sheetrow.h"

#include <QStringList>

namespace aether {

namespace {

using officexml::attribute;
using officexml::isEnd;
using officexml::isStart;

struct Sheet
{
    QString name;
    QString part;
};

QList<Sheet> sheetsOf(OfficePackage &package, const QString &workbook)
{
    const QHash<QString, QString> targets = package.relationships(workbook);
    QList<Sheet> sheets;
    QXmlStreamReader xml(package.read(workbook));
    while (!xml.atEnd()) {
        xml.readNext();
        if (!isStart(xml, u"sheet"))
            continue;
        const QString part = targets.value(attribute(xml, u"id", true));
        if (package.contains(part)) // chart sheets and broken links have no cells
            sheets.append(Sheet{attribute(xml, u"name"), part});
    }
    package.checkXml(xml, workbook);
    return sheets;
}

// The text of an <si> or <is> element: its <t> runs, without phonetic guides.
QString readRichText(QXmlStreamReader &xml, QStringView element)
{
    QString text;
    while (!xml.atEnd()) {
        xml.readNext();
        if (isEnd(xml, element))
            break;
        if (isStart(xml, u"rPh"))
            xml.skipCurrentElement();
        else if (isStart(xml, u"t"))
            text += xml.readElementText(QXmlStreamReader::SkipChildElements);
    }
    return text;
}

// Optional: a workbook of numbers and inline strings has no shared strings.
QStringList sharedStringsOf(OfficePackage &package, const QString &part)
{
    QStringList strings;
    if (!package.contains(part))
        return strings;
    QXmlStreamReader xml(package.readOptional(part));
    while (!xml.atEnd()) {
        xml.readNext();
        if (isStart(xml, u"si"))
            strings.append(readRichText(xml, u"si"));
    }
    package.checkXml(xml, part);
    return strings;
}

// "BC12" -> 54 (0-based column); -1 without letters.
int columnOf(QStringView reference)
{
    int column = 0;
    qsizetype i = 0;
    for (; i < reference.size() && reference[i].isLetter(); ++i)
        column = column * 26 + (reference[i].toUpper().unicode() - u'A' + 1);
    return i == 0 ? -1 : column - 1;
}

class SheetReader
{
public:
    SheetReader(QXmlStreamReader &xml, const QStringList &sharedStrings, DocumentBuilder &out)
        : m_xml(xml), m_sharedStrings(sharedStrings), m_out(out)
    {}

    void read()
    {
        while (!m_xml.atEnd()) {
            m_xml.readNext();
            if (isStart(m_xml, u"row"))
                m_out.addLine(readRow().text());
        }
        m_out.endLines();
    }

private:
    SheetRow readRow()
    {
        SheetRow row;
        int next = 0;
        while (!m_xml.atEnd()) {
            m_xml.readNext();
            if (isEnd(m_xml, u"row"))
                break;
            if (!isStart(m_xml, u"c"))
                continue;
            const int column = columnOf(attribute(m_xml, u"r"));
            const int at = column >= 0 ? column : next;
            row.set(at, readCell());
            next = at + 1;
        }
        return row;
    }

    // At <c>: its value as Excel shows it, number formats aside.
    QString readCell()
    {
        const QString type = attribute(m_xml, u"t");
        QString value;
        while (!m_xml.atEnd()) {
            m_xml.readNext();
            if (isEnd(m_xml, u"c"))
                break;
            if (isStart(m_xml, u"v"))
                value = m_xml.readElementText(QXmlStreamReader::SkipChildElements);
            else if (isStart(m_xml, u"is"))
                value = readRichText(m_xml, u"is");
            else if (isStart(m_xml, u"f"))
                m_xml.skipCurrentElement();
        }
        if (type == u"s") {
            bool ok = false;
            const qsizetype index = value.toLongLong(&ok);
            return ok && index >= 0 && index < m_sharedStrings.size() ? m_sharedStrings[index]
                                                                      : QString();
        }
        if (type == u"b")
            return value == u"1" ? QStringLiteral("TRUE") : QStringLiteral("FALSE");
        return value;
    }

    QXmlStreamReader &m_xml;
    const QStringList &m_sharedStrings;
    DocumentBuilder &m_out;
};

} // namespace

ExtractedDocument XlsxExtractor::extract(const QByteArray &data, const QString &fileName,
                                         const CancelToken &cancel) const
{
    Q_UNUSED(fileName);
    cancel.check();
    OfficePackage package(data, QStringLiteral("Excel workbook"), cancel);
    const QString workbook = package.mainPart(QStringLiteral("xl/workbook.xml"));
    const QString folder = workbook.left(workbook.lastIndexOf(u'/') + 1);
    const QList<Sheet> sheets = sheetsOf(package, workbook);
    const QStringList sharedStrings =
        sharedStringsOf(package, folder + QStringLiteral("sharedStrings.xml"));

    DocumentBuilder out(kind(), cancel);
    for (const Sheet &sheet : sheets) {
        cancel.check();
        out.resetHeadings();
        out.addHeading(1, sheet.name);
        QXmlStreamReader xml(package.read(sheet.part));
        SheetReader(xml, sharedStrings, out).read();
        package.checkXml(xml, sheet.part);
    }
    ExtractedDocument document = out.take();
    document.title = package.metadataTitle();
    return document;
}

} // namespace aether
