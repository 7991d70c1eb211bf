#include "extract/odpextractor.h"

#include "extract/documentbuilder.h"
#include "extract/odftext.h"
#include "extract/officepackage.h"
#include "extract/officexml.h"

#include <QStringList>

namespace aether {

namespace {

using officexml::attribute;
using officexml::isEnd;
using officexml::isStart;

struct Slide
{
    QString title;
    QStringList lines;
};

// At <draw:page>: the title frame's text and every other paragraph and table row.
Slide readSlide(QXmlStreamReader &xml)
{
    Slide slide;
    bool inTitle = false;
    int frameDepth = 0;
    while (!xml.atEnd()) {
        xml.readNext();
        if (isEnd(xml, u"page"))
            break;
        if (odftext::isSkipped(xml)) {
            xml.skipCurrentElement();
        } else if (isStart(xml, u"frame")) {
            if (frameDepth++ == 0)
                inTitle = attribute(xml, u"class") == u"title";
        } else if (isEnd(xml, u"frame")) {
            if (--frameDepth == 0)
                inTitle = false;
        } else if (isStart(xml, u"p") || isStart(xml, u"h")) {
            const QString text = odftext::readParagraph(xml);
            if (inTitle && slide.title.isEmpty())
                slide.title = text.simplified();
            else
                slide.lines.append(text);
        } else if (isStart(xml, u"table-row")) {
            SheetRow row;
            odftext::readTableRow(xml, row);
            slide.lines.append(row.text());
        }
    }
    return slide;
}

} // namespace

ExtractedDocument OdpExtractor::extract(const QByteArray &data, const QString &fileName,
                                        const CancelToken &cancel) const
{
    Q_UNUSED(fileName);
    cancel.check();
    OfficePackage package(data, QStringLiteral("OpenDocument presentation"), cancel);
    package.requireOdfMimeType(QStringLiteral("application/vnd.oasis.opendocument.presentation"));
    const QString content = QStringLiteral("content.xml");
    DocumentBuilder out(kind(), cancel);
    QXmlStreamReader xml(package.read(content));
    QString firstTitle;
    int slides = 0;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!isStart(xml, u"page"))
            continue;
        cancel.check();
        const Slide slide = readSlide(xml);
        out.resetHeadings();
        out.setPage(++slides);
        out.addHeading(1, slide.title);
        for (const QString &line : slide.lines)
            out.addLine(line);
        if (firstTitle.isEmpty())
            firstTitle = slide.title;
    }
    package.checkXml(xml, content);

    ExtractedDocument document = out.take();
    document.pageCount = slides;
    document.title = package.metadataTitle();
    if (document.title.isEmpty())
        document.title = firstTitle;
    return document;
}

} // namespace aether
