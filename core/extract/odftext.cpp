#include "extract/odftext.h"

#include "extract/officexml.h"

#include <QStringList>

namespace aether::odftext {

namespace {

using officexml::attribute;
using officexml::isEnd;
using officexml::isStart;

// Column arithmetic stays far from overflow whatever a file claims.
constexpr int kMaxColumns = 1 << 20;

int repeatCount(const QXmlStreamReader &xml, QStringView name)
{
    const int count = attribute(xml, name).toInt();
    return qBound(1, count, kMaxColumns);
}

// XML whitespace inside a paragraph collapses to one space, as ODF says; the
// spaces of <text:s/> are not collapsed. `collapsed`: the text ends in a collapsed space.
void appendCollapsed(QString &text, QStringView characters, bool &collapsed)
{
    for (const QChar ch : characters) {
        const bool space = ch == u' ' || ch == u'\n' || ch == u'\r' || ch == u'\t';
        if (!space) {
            text += ch;
            collapsed = false;
        } else if (!text.isEmpty() && !collapsed) {
            text += u' ';
            collapsed = true;
        }
    }
}

// A cell's displayed text, or its typed value when it has no paragraph.
QString readCell(QXmlStreamReader &xml)
{
    const QStringView element = xml.name();
    const bool covered = element == u"covered-table-cell";
    QString value;
    for (const QStringView name :
         {u"string-value", u"value", u"date-value", u"time-value", u"boolean-value"}) {
        if (value.isEmpty())
            value = attribute(xml, name);
    }
    QStringList paragraphs;
    while (!xml.atEnd()) {
        xml.readNext();
        if (isEnd(xml, covered ? u"covered-table-cell" : u"table-cell"))
            break;
        if (isSkipped(xml))
            xml.skipCurrentElement();
        else if (isStart(xml, u"p") || isStart(xml, u"h"))
            paragraphs.append(readParagraph(xml));
    }
    paragraphs.removeAll(QString());
    return paragraphs.isEmpty() ? value : paragraphs.join(u' ');
}

} // namespace

bool isSkipped(const QXmlStreamReader &xml)
{
    if (!xml.isStartElement())
        return false;
    const QStringView name = xml.name();
    return name == u"note" || name == u"annotation" || name == u"tracked-changes" ||
           name == u"table-of-content" || name == u"sequence-decls" || name == u"notes" ||
           name == u"forms";
}

QString readParagraph(QXmlStreamReader &xml)
{
    QString text;
    bool collapsed = false;
    int depth = 0;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isCharacters()) {
            appendCollapsed(text, xml.text(), collapsed);
            continue;
        }
        if (xml.isEndElement()) {
            if (depth-- == 0)
                break;
            if (xml.name() == u"p" || xml.name() == u"h")
                text += u'\n'; // a paragraph in a text box
        } else if (isSkipped(xml)) {
            xml.skipCurrentElement();
        } else if (isStart(xml, u"s")) {
            text += QString(qBound(1, attribute(xml, u"c").toInt(), 1000), u' ');
            collapsed = false; // a space after <text:s/> is a space of its own
            xml.skipCurrentElement();
        } else if (isStart(xml, u"tab")) {
            text += u'\t';
            collapsed = false;
            xml.skipCurrentElement();
        } else if (isStart(xml, u"line-break")) {
            text += u'\n';
            collapsed = false;
            xml.skipCurrentElement();
        } else if (xml.isStartElement()) {
            ++depth;
        }
    }
    return text.trimmed();
}

int readTableRow(QXmlStreamReader &xml, SheetRow &row)
{
    const int rowRepeat = repeatCount(xml, u"number-rows-repeated");
    int column = 0;
    while (!xml.atEnd()) {
        xml.readNext();
        if (isEnd(xml, u"table-row"))
            break;
        if (!isStart(xml, u"table-cell") && !isStart(xml, u"covered-table-cell"))
            continue;
        const int repeat = repeatCount(xml, u"number-columns-repeated");
        const QString value = readCell(xml);
        if (!value.isEmpty()) {
            for (int i = 0; i < qMin(repeat, kMaxRepeat); ++i)
                row.set(column + i, value);
        }
        column = qMin(column + repeat, kMaxColumns);
    }
    return rowRepeat;
}

} // namespace aether::odftext
