#pragma once

// Minimal but real Office Open XML and OpenDocument packages for the tests:
// the parts Word, PowerPoint, Excel and LibreOffice write, trimmed to what a
// reader needs. XML attributes use single quotes to keep the C++ readable.

#include "zipfixture.h"

#include <QStringList>

namespace aether::test {

inline const QString kWordNs =
    QStringLiteral("xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main' "
                   "xmlns:r='http://schemas.openxmlformats.org/officeDocument/2006/relationships' "
                   "xmlns:mc='http://schemas.openxmlformats.org/markup-compatibility/2006'");
inline const QString kSlideNs =
    QStringLiteral("xmlns:a='http://schemas.openxmlformats.org/drawingml/2006/main' "
                   "xmlns:p='http://schemas.openxmlformats.org/presentationml/2006/main' "
                   "xmlns:r='http://schemas.openxmlformats.org/officeDocument/2006/relationships'");
inline const QString kSheetNs =
    QStringLiteral("xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main' "
                   "xmlns:r='http://schemas.openxmlformats.org/officeDocument/2006/relationships'");
inline const QString kOdfNs =
    QStringLiteral("xmlns:office='urn:oasis:names:tc:opendocument:xmlns:office:1.0' "
                   "xmlns:text='urn:oasis:names:tc:opendocument:xmlns:text:1.0' "
                   "xmlns:table='urn:oasis:names:tc:opendocument:xmlns:table:1.0' "
                   "xmlns:draw='urn:oasis:names:tc:opendocument:xmlns:drawing:1.0' "
                   "xmlns:presentation='urn:oasis:names:tc:opendocument:xmlns:presentation:1.0' "
                   "xmlns:meta='urn:oasis:names:tc:opendocument:xmlns:meta:1.0' "
                   "xmlns:dc='http://purl.org/dc/elements/1.1/' office:version='1.2'");

inline QByteArray xmlPart(const QString &body)
{
    return QByteArray("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n")
        .append(body.toUtf8());
}

inline QString escaped(const QString &text)
{
    return text.toHtmlEscaped();
}

// [Content_Types].xml naming the main part.
inline ZipEntry contentTypes(const QString &mainPart, const QString &mainType)
{
    return {QStringLiteral("[Content_Types].xml"),
            xmlPart(QStringLiteral("<Types "
                                   "xmlns='http://schemas.openxmlformats.org/package/2006/"
                                   "content-types'><Default Extension='rels' "
                                   "ContentType='application/"
                                   "vnd.openxmlformats-package.relationships+xml'/><Default "
                                   "Extension='xml' ContentType='application/xml'/><Override "
                                   "PartName='/%1' ContentType='%2'/></Types>")
                        .arg(mainPart, mainType))};
}

// A .rels part: (id, target) pairs of one relationship type ("officeDocument", "slide").
inline ZipEntry relationships(const QString &relsPart, const QString &type,
                              const QList<std::pair<QString, QString>> &targets)
{
    QString body;
    for (const auto &[id, target] : targets)
        body += QStringLiteral("<Relationship Id='%1' "
                               "Type='http://schemas.openxmlformats.org/officeDocument/2006/"
                               "relationships/%2' Target='%3'/>")
                    .arg(id, type, target);
    return {relsPart, xmlPart(QStringLiteral("<Relationships "
                                             "xmlns='http://schemas.openxmlformats.org/package/"
                                             "2006/relationships'>%1</Relationships>")
                                  .arg(body))};
}

inline ZipEntry coreProperties(const QString &title)
{
    return {QStringLiteral("docProps/core.xml"),
            xmlPart(QStringLiteral("<cp:coreProperties "
                                   "xmlns:cp='http://schemas.openxmlformats.org/package/2006/"
                                   "metadata/core-properties' "
                                   "xmlns:dc='http://purl.org/dc/elements/1.1/'><dc:title>%1</"
                                   "dc:title><dc:creator>Someone</dc:creator></"
                                   "cp:coreProperties>")
                        .arg(escaped(title)))};
}

// ---- Word ----

// A paragraph with one run; `style` a paragraph style id, `numbered` a list item.
inline QString wordParagraph(const QString &text, const QString &style = {}, bool numbered = false)
{
    QString properties;
    if (!style.isEmpty())
        properties += QStringLiteral("<w:pStyle w:val='%1'/>").arg(style);
    if (numbered)
        properties += QStringLiteral("<w:numPr><w:ilvl w:val='0'/><w:numId w:val='1'/></w:numPr>");
    if (!properties.isEmpty())
        properties = QStringLiteral("<w:pPr>%1</w:pPr>").arg(properties);
    return QStringLiteral("<w:p>%1<w:r><w:rPr><w:b/></w:rPr><w:t xml:space='preserve'>%2</w:t></"
                          "w:r></w:p>")
        .arg(properties, escaped(text));
}

inline QString wordTable(const QList<QStringList> &rows)
{
    QString body = QStringLiteral("<w:tbl><w:tblPr><w:tblW w:w='0' w:type='auto'/></w:tblPr>");
    for (const QStringList &row : rows) {
        body += QStringLiteral("<w:tr>");
        for (const QString &cell : row)
            body += QStringLiteral("<w:tc><w:tcPr/>%1</w:tc>").arg(wordParagraph(cell));
        body += QStringLiteral("</w:tr>");
    }
    return body + QStringLiteral("</w:tbl>");
}

// Styles with German ids, as a German Word writes them; the names stay English.
inline ZipEntry wordStyles()
{
    QString styles;
    const QList<std::pair<QString, QString>> named = {
        {QStringLiteral("Titel"), QStringLiteral("Title")},
        {QStringLiteral("berschrift1"), QStringLiteral("heading 1")},
        {QStringLiteral("berschrift2"), QStringLiteral("heading 2")},
        {QStringLiteral("Listenabsatz"), QStringLiteral("List Paragraph")},
        {QStringLiteral("Standard"), QStringLiteral("Normal")}};
    for (const auto &[id, name] : named)
        styles += QStringLiteral("<w:style w:type='paragraph' w:styleId='%1'><w:name w:val='%2'/>"
                                 "<w:basedOn w:val='Standard'/></w:style>")
                      .arg(id, name);
    return {QStringLiteral("word/styles.xml"),
            xmlPart(QStringLiteral("<w:styles %1>%2</w:styles>").arg(kWordNs, styles))};
}

// A .docx around body XML; styles and core properties when given.
inline QByteArray docx(const QString &body, const QString &title = {}, bool withStyles = true)
{
    QList<ZipEntry> entries = {
        contentTypes(QStringLiteral("word/document.xml"),
                     QStringLiteral("application/"
                                    "vnd.openxmlformats-officedocument.wordprocessingml.document."
                                    "main+xml")),
        relationships(QStringLiteral("_rels/.rels"), QStringLiteral("officeDocument"),
                      {{QStringLiteral("rId1"), QStringLiteral("word/document.xml")}}),
        {QStringLiteral("word/document.xml"),
         xmlPart(QStringLiteral("<w:document %1><w:body>%2<w:sectPr/></w:body></w:document>")
                     .arg(kWordNs, body))},
    };
    if (withStyles)
        entries.append(wordStyles());
    if (!title.isEmpty())
        entries.append(coreProperties(title));
    return buildZip(entries);
}

// ---- PowerPoint ----

inline QString slideShape(const QStringList &paragraphs, const QString &placeholder)
{
    QString text;
    for (const QString &paragraph : paragraphs)
        text += QStringLiteral("<a:p><a:r><a:rPr lang='en-US'/><a:t>%1</a:t></a:r></a:p>")
                    .arg(escaped(paragraph));
    return QStringLiteral("<p:sp><p:nvSpPr><p:cNvPr id='2' name='Shape'/><p:cNvSpPr/><p:nvPr>%1</"
                          "p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/>%2</"
                          "p:txBody></p:sp>")
        .arg(placeholder, text);
}

inline QByteArray slide(const QString &title, const QStringList &body,
                        const QList<QStringList> &table = {})
{
    QString shapes;
    if (!title.isEmpty())
        shapes += slideShape({title}, QStringLiteral("<p:ph type='title'/>"));
    if (!body.isEmpty())
        shapes += slideShape(body, QStringLiteral("<p:ph idx='1'/>"));
    if (!table.isEmpty()) {
        QString rows;
        for (const QStringList &row : table) {
            rows += QStringLiteral("<a:tr h='370840'>");
            for (const QString &cell : row)
                rows += QStringLiteral("<a:tc><a:txBody><a:bodyPr/><a:p><a:r><a:t>%1</a:t></a:r></"
                                       "a:p></a:txBody><a:tcPr/></a:tc>")
                            .arg(escaped(cell));
            rows += QStringLiteral("</a:tr>");
        }
        shapes += QStringLiteral("<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id='9' "
                                 "name='Table'/><p:cNvGraphicFramePr/><p:nvPr/></"
                                 "p:nvGraphicFramePr><a:graphic><a:graphicData><a:tbl><a:tblGrid/"
                                 ">%1</a:tbl></a:graphicData></a:graphic></p:graphicFrame>")
                      .arg(rows);
    }
    return xmlPart(QStringLiteral("<p:sld %1><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id='1' "
                                  "name=''/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>%2</"
                                  "p:spTree></p:cSld></p:sld>")
                       .arg(kSlideNs, shapes));
}

// A .pptx whose slides are the given parts (file name, XML) in the given order;
// without `listed` the presentation names no slides.
inline QByteArray pptx(const QList<std::pair<QString, QByteArray>> &slides, bool listed = true)
{
    QList<ZipEntry> entries = {
        contentTypes(QStringLiteral("ppt/presentation.xml"),
                     QStringLiteral("application/"
                                    "vnd.openxmlformats-officedocument.presentationml."
                                    "presentation.main+xml")),
        relationships(QStringLiteral("_rels/.rels"), QStringLiteral("officeDocument"),
                      {{QStringLiteral("rId1"), QStringLiteral("ppt/presentation.xml")}}),
    };
    QString ids;
    QList<std::pair<QString, QString>> targets;
    for (qsizetype i = 0; i < slides.size(); ++i) {
        const QString id = QStringLiteral("rId%1").arg(i + 7);
        ids += QStringLiteral("<p:sldId id='%1' r:id='%2'/>").arg(256 + i).arg(id);
        targets.append({id, QStringLiteral("slides/") + slides[i].first});
        entries.append({QStringLiteral("ppt/slides/") + slides[i].first, slides[i].second});
    }
    entries.append(
        {QStringLiteral("ppt/presentation.xml"),
         xmlPart(QStringLiteral("<p:presentation %1>%2<p:sldSz cx='9144000' "
                                "cy='6858000'/></p:presentation>")
                     .arg(kSlideNs, listed ? QStringLiteral("<p:sldIdLst>%1</p:sldIdLst>").arg(ids)
                                           : QString()))});
    if (listed)
        entries.append(relationships(QStringLiteral("ppt/_rels/presentation.xml.rels"),
                                     QStringLiteral("slide"), targets));
    return buildZip(entries);
}

// ---- OpenDocument ----

inline QByteArray odf(const QString &mimeType, const QString &body, const QString &title = {},
                      const QString &manifestExtra = {})
{
    QList<ZipEntry> entries = {
        {QStringLiteral("mimetype"), mimeType.toLatin1()},
        {QStringLiteral("META-INF/manifest.xml"),
         xmlPart(QStringLiteral("<manifest:manifest "
                                "xmlns:manifest='urn:oasis:names:tc:opendocument:xmlns:manifest:"
                                "1.0' manifest:version='1.2'><manifest:file-entry "
                                "manifest:full-path='/' manifest:media-type='%1'/><manifest:file-"
                                "entry manifest:full-path='content.xml' "
                                "manifest:media-type='text/xml'>%2</manifest:file-entry></"
                                "manifest:manifest>")
                     .arg(mimeType, manifestExtra))},
        {QStringLiteral("content.xml"),
         xmlPart(QStringLiteral("<office:document-content %1><office:body>%2</office:body></"
                                "office:document-content>")
                     .arg(kOdfNs, body))},
    };
    if (!title.isEmpty())
        entries.append(
            {QStringLiteral("meta.xml"),
             xmlPart(QStringLiteral("<office:document-meta %1><office:meta><dc:title>%2</"
                                    "dc:title></office:meta></office:document-meta>")
                         .arg(kOdfNs, escaped(title)))});
    return buildZip(entries);
}

} // namespace aether::test
