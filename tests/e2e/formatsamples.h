#pragma once

// One small file of every format Aether Ingest reads, each with a word found
// nowhere else (its marker), for the end-to-end format test.

#include "officefixtures.h"
#include "pdffixture.h"

#include <QList>

namespace aether::test {

struct FormatSample
{
    QByteArray fileName;
    QByteArray bytes;
    QString detectedType; // the job result's detected_type
    QString marker;       // a word of its text, searched for afterwards
};

inline QByteArray utf16LittleEndian(const QString &text)
{
    QByteArray bytes("\xFF\xFE", 2);
    for (const QChar ch : text) {
        bytes.append(char(ch.unicode() & 0xFF));
        bytes.append(char(ch.unicode() >> 8));
    }
    return bytes;
}

inline QByteArray sampleXlsx(const QString &cellText)
{
    return buildZip({
        contentTypes(QStringLiteral("xl/workbook.xml"),
                     QStringLiteral("application/vnd.openxmlformats-officedocument.spreadsheetml."
                                    "sheet.main+xml")),
        relationships(QStringLiteral("_rels/.rels"), QStringLiteral("officeDocument"),
                      {{QStringLiteral("rId1"), QStringLiteral("xl/workbook.xml")}}),
        {QStringLiteral("xl/workbook.xml"),
         xmlPart(QStringLiteral("<workbook %1><sheets><sheet name='Stock' sheetId='1' "
                                "r:id='rId1'/></sheets></workbook>")
                     .arg(kSheetNs))},
        relationships(QStringLiteral("xl/_rels/workbook.xml.rels"), QStringLiteral("worksheet"),
                      {{QStringLiteral("rId1"), QStringLiteral("worksheets/sheet1.xml")}}),
        {QStringLiteral("xl/worksheets/sheet1.xml"),
         xmlPart(QStringLiteral("<worksheet %1><sheetData><row r='1'><c r='A1' t='inlineStr'><is>"
                                "<t>%2</t></is></c><c r='B1'><v>42</v></c></row></sheetData>"
                                "</worksheet>")
                     .arg(kSheetNs, cellText))},
    });
}

inline QList<FormatSample> formatSamples()
{
    const auto text = [](const char *marker) {
        return QStringLiteral("The stored passage mentions %1 once.").arg(QLatin1String(marker));
    };
    return {
        {"plain.txt", text("zanzibarite").toUtf8(), QStringLiteral("text"),
         QStringLiteral("zanzibarite")},
        {"utf16.txt", utf16LittleEndian(text("quokkaflora")), QStringLiteral("text"),
         QStringLiteral("quokkaflora")},
        {"latin1.txt", QByteArray("Caf\xE9 cr\xE8me and the word bramblequist.\n"),
         QStringLiteral("text"), QStringLiteral("bramblequist")},
        {"notes.md", "# Notes\n\nA paragraph about the **marsupilami** habit.\n",
         QStringLiteral("markdown"), QStringLiteral("marsupilami")},
        {"page.html",
         "<!doctype html><html><head><title>Page</title></head><body><nav><a href='/'>Home</a>"
         "</nav><article><h1>Page</h1><p>The article explains the lanternwick method in "
         "enough words to be the main content of this page.</p></article></body></html>",
         QStringLiteral("html"), QStringLiteral("lanternwick")},
        {"report.pdf", buildPdf({text("cobaltmere")}, QStringLiteral("Report")),
         QStringLiteral("pdf"), QStringLiteral("cobaltmere")},
        {"letter.docx", docx(wordParagraph(text("fennelsprocket"))), QStringLiteral("docx"),
         QStringLiteral("fennelsprocket")},
        {"deck.pptx",
         pptx({{QStringLiteral("slide1.xml"),
                slide(QStringLiteral("Overview"), {text("gryphonwheel")})}}),
         QStringLiteral("pptx"), QStringLiteral("gryphonwheel")},
        {"stock.xlsx", sampleXlsx(QStringLiteral("hazelbrook crates")), QStringLiteral("xlsx"),
         QStringLiteral("hazelbrook")},
        {"essay.odt",
         odf(QStringLiteral("application/vnd.oasis.opendocument.text"),
             QStringLiteral("<office:text><text:p>%1</text:p></office:text>")
                 .arg(text("juniperlatch"))),
         QStringLiteral("odt"), QStringLiteral("juniperlatch")},
        {"sheet.ods",
         odf(QStringLiteral("application/vnd.oasis.opendocument.spreadsheet"),
             QStringLiteral("<office:spreadsheet><table:table table:name='One'><table:table-row>"
                            "<table:table-cell><text:p>kestrelmoss</text:p></table:table-cell>"
                            "</table:table-row></table:table></office:spreadsheet>")),
         QStringLiteral("ods"), QStringLiteral("kestrelmoss")},
        {"table.csv", "name,colour\nwidget,mauvelight\n", QStringLiteral("csv"),
         QStringLiteral("mauvelight")},
        {"table.tsv", "name\tcolour\ngadget\tsaffronhue\n", QStringLiteral("csv"),
         QStringLiteral("saffronhue")},
        {"data.json", "{\"product\": {\"name\": \"tinderfrost\", \"price\": 3}}",
         QStringLiteral("json"), QStringLiteral("tinderfrost")},
        {"mail.eml",
         "From: a@example.org\r\nTo: b@example.org\r\nSubject: Meeting\r\nMIME-Version: 1.0\r\n"
         "Content-Type: text/plain; charset=utf-8\r\n\r\nThe agenda covers the willowmark "
         "plan.\r\n",
         QStringLiteral("eml"), QStringLiteral("willowmark")},
    };
}

} // namespace aether::test
