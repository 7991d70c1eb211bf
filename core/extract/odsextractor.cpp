#include "extract/odsextractor.h"

#include "extract/documentbuilder.h"
#include "extract/odftext.h"
#include "extract/officepackage.h"
#include "extract/officexml.h"

namespace aether {

namespace {

using officexml::attribute;
using officexml::isStart;

void readSheets(QXmlStreamReader &xml, DocumentBuilder &out)
{
    while (!xml.atEnd()) {
        xml.readNext();
        if (odftext::isSkipped(xml)) {
            xml.skipCurrentElement();
        } else if (isStart(xml, u"table")) {
            out.resetHeadings();
            out.addHeading(1, attribute(xml, u"name"));
        } else if (isStart(xml, u"table-row")) {
            SheetRow row;
            const int repeat = odftext::readTableRow(xml, row);
            for (int i = 0; !row.isEmpty() && i < qMin(repeat, odftext::kMaxRepeat); ++i)
                out.addLine(row.text());
        }
    }
    out.endLines();
}

} // namespace

ExtractedDocument OdsExtractor::extract(const QByteArray &data, const QString &fileName,
                                        const CancelToken &cancel) const
{
    Q_UNUSED(fileName);
    cancel.check();
    OfficePackage package(data, QStringLiteral("OpenDocument spreadsheet"), cancel);
    package.requireOdfMimeType(QStringLiteral("application/vnd.oasis.opendocument.spreadsheet"));
    const QString content = QStringLiteral("content.xml");
    DocumentBuilder out(kind(), cancel);
    QXmlStreamReader xml(package.read(content));
    readSheets(xml, out);
    package.checkXml(xml, content);

    ExtractedDocument document = out.take();
    document.title = package.metadataTitle();
    return document;
}

} // namespace aether
