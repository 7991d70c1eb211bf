#include "extract/odtextractor.h"

#include "extract/documentbuilder.h"
#include "extract/odftext.h"
#include "extract/officepackage.h"
#include "extract/officexml.h"

namespace aether {

namespace {

using officexml::attribute;
using officexml::isEnd;
using officexml::isStart;

class OdtReader
{
public:
    OdtReader(QXmlStreamReader &xml, DocumentBuilder &out) : m_xml(xml), m_out(out) {}

    void read()
    {
        while (!m_xml.atEnd()) {
            m_xml.readNext();
            if (odftext::isSkipped(m_xml)) {
                m_xml.skipCurrentElement();
            } else if (isStart(m_xml, u"h")) {
                const int level = attribute(m_xml, u"outline-level").toInt();
                m_out.addHeading(qMax(level, 1), odftext::readParagraph(m_xml));
            } else if (isStart(m_xml, u"p")) {
                m_out.addParagraph(odftext::readParagraph(m_xml));
            } else if (isStart(m_xml, u"list")) {
                readList();
            } else if (isStart(m_xml, u"table")) {
                readTable();
            }
        }
        m_out.endLines();
    }

private:
    // At the outermost <text:list>: every item, nested ones too, one line each.
    void readList()
    {
        m_out.endLines();
        int depth = 0;
        while (!m_xml.atEnd()) {
            m_xml.readNext();
            if (isStart(m_xml, u"list"))
                ++depth;
            else if (isEnd(m_xml, u"list") && depth-- == 0)
                break;
            else if (odftext::isSkipped(m_xml))
                m_xml.skipCurrentElement();
            else if (isStart(m_xml, u"p") || isStart(m_xml, u"h"))
                m_out.addLine(odftext::readParagraph(m_xml));
            else if (isStart(m_xml, u"table"))
                readTable();
        }
        m_out.endLines();
    }

    void readTable()
    {
        m_out.endLines();
        while (!m_xml.atEnd()) {
            m_xml.readNext();
            if (isEnd(m_xml, u"table"))
                break;
            if (!isStart(m_xml, u"table-row"))
                continue;
            SheetRow row;
            const int repeat = odftext::readTableRow(m_xml, row);
            for (int i = 0; !row.isEmpty() && i < qMin(repeat, odftext::kMaxRepeat); ++i)
                m_out.addLine(row.text());
        }
        m_out.endLines();
    }

    QXmlStreamReader &m_xml;
    DocumentBuilder &m_out;
};

} // namespace

ExtractedDocument OdtExtractor::extract(const QByteArray &data, const QString &fileName,
                                        const CancelToken &cancel) const
{
    Q_UNUSED(fileName);
    cancel.check();
    OfficePackage package(data, QStringLiteral("OpenDocument text"), cancel);
    package.requireOdfMimeType(QStringLiteral("application/vnd.oasis.opendocument.text"));
    const QString content = QStringLiteral("content.xml");
    DocumentBuilder out(kind(), cancel);
    QXmlStreamReader xml(package.read(content));
    OdtReader(xml, out).read();
    package.checkXml(xml, content);

    ExtractedDocument document = out.take();
    document.title = package.metadataTitle();
    if (document.title.isEmpty())
        document.title = out.firstHeading();
    return document;
}

} // namespace aether
