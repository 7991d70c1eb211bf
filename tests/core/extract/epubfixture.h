#pragma once

// EPUB books made in the test with the zip fixture: chapters whose spine order
// differs from their manifest order and file names, an EPUB 3 nav with the
// chapter titles, the book's title and author; and DRM-protected variants.
#include "zipfixture.h"

#include <QStringList>

namespace aether::test {

struct EpubChapter
{
    QString file;  // in OEBPS/
    QString title; // in the nav
    QString body;  // XHTML body content
};

inline QByteArray epubBook(const QList<EpubChapter> &spine, const QList<ZipEntry> &extra = {})
{
    QString manifest;
    QString itemrefs;
    QString nav;
    // The manifest lists the chapters backwards: the spine alone gives the order.
    for (qsizetype i = spine.size() - 1; i >= 0; --i)
        manifest +=
            QStringLiteral("<item id=\"c%1\" href=\"%2\" media-type=\"application/xhtml+xml\"/>")
                .arg(i)
                .arg(spine[i].file);
    for (qsizetype i = 0; i < spine.size(); ++i) {
        itemrefs += QStringLiteral("<itemref idref=\"c%1\"/>").arg(i);
        nav += QStringLiteral("<li><a href=\"%1\">%2</a></li>").arg(spine[i].file, spine[i].title);
    }
    QList<ZipEntry> entries{
        {QStringLiteral("mimetype"), "application/epub+zip"},
        {QStringLiteral("META-INF/container.xml"),
         "<?xml version=\"1.0\"?><container version=\"1.0\" "
         "xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\"><rootfiles><rootfile "
         "full-path=\"OEBPS/content.opf\" media-type=\"application/oebps-package+xml\"/>"
         "</rootfiles></container>"},
        {QStringLiteral("OEBPS/content.opf"),
         QStringLiteral("<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" "
                        "version=\"3.0\"><metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
                        "<dc:title>The Ice Age Reader</dc:title><dc:creator>Agnes "
                        "Moraine</dc:creator><dc:language>en</dc:language></metadata><manifest>"
                        "<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" "
                        "properties=\"nav\"/>%1</manifest><spine>%2</spine></package>")
             .arg(manifest, itemrefs)
             .toUtf8()},
        {QStringLiteral("OEBPS/nav.xhtml"),
         QStringLiteral("<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\" "
                        "xmlns:epub=\"http://www.idpf.org/2007/ops\"><body><nav epub:type=\"toc\">"
                        "<ol>%1</ol></nav></body></html>")
             .arg(nav)
             .toUtf8()},
    };
    for (const EpubChapter &chapter : spine)
        entries.append(
            {QStringLiteral("OEBPS/") + chapter.file,
             QStringLiteral("<?xml version=\"1.0\"?><html "
                            "xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>x</title>"
                            "</head><body>%1</body></html>")
                 .arg(chapter.body)
                 .toUtf8()});
    entries.append(extra);
    return buildZip(entries);
}

inline QList<EpubChapter> glacierChapters()
{
    return {{QStringLiteral("zeta.xhtml"), QStringLiteral("How Ice Moves"),
             QStringLiteral("<p>Glaciers flow downhill under their own weight, slowly.</p>")},
            {QStringLiteral("alpha.xhtml"), QStringLiteral("What Ice Leaves Behind"),
             QStringLiteral("<p>Moraines and drumlins remain when the glacier melts away.</p>")},
            {QStringLiteral("mid.xhtml"), QStringLiteral("Lakes of the North"),
             QStringLiteral("<p>Kettle lakes fill the hollows of buried ice blocks.</p>")}};
}

} // namespace aether::test
