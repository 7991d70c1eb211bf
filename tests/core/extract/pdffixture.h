#pragma once

// Hand-written PDF files for the extractor tests: real syntax, real xref
// offsets, no PDF library needed to make them.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace aether::test {

inline QString escapePdfString(const QString &text)
{
    QString escaped = text;
    escaped.replace(u'\\', QStringLiteral("\\\\"));
    escaped.replace(u'(', QStringLiteral("\\("));
    escaped.replace(u')', QStringLiteral("\\)"));
    return escaped;
}

// A content stream that shows each line of a page with Helvetica; empty for a blank page.
inline QByteArray pageContent(const QString &text)
{
    if (text.isEmpty())
        return {};
    QByteArray content = "BT /F1 12 Tf 14 TL 72 720 Td\n";
    for (const QString &line : text.split(u'\n'))
        content += "(" + escapePdfString(line).toLatin1() + ") Tj T*\n";
    return content + "ET\n";
}

// Writes a real PDF by hand: catalog, page tree, a Helvetica font, one page and
// content stream per entry of `pages`, an Info dictionary and a correct xref table.
inline QByteArray buildPdf(const QStringList &pages, const QString &title)
{
    QList<QByteArray> objects; // object number i + 1
    QByteArray kids;
    for (int i = 0; i < pages.size(); ++i)
        kids += QByteArray::number(4 + 2 * i) + " 0 R ";
    objects << "<< /Type /Catalog /Pages 2 0 R >>"
            << "<< /Type /Pages /Kids [" + kids + "] /Count " + QByteArray::number(pages.size()) +
                   " >>"
            << "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
    for (int i = 0; i < pages.size(); ++i) {
        const QByteArray content = pageContent(pages[i]);
        objects << "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << "
                   "/F1 3 0 R >> >> /Contents " +
                       QByteArray::number(5 + 2 * i) + " 0 R >>"
                << "<< /Length " + QByteArray::number(content.size()) + " >>\nstream\n" + content +
                       "endstream";
    }
    objects << "<< /Title (" + escapePdfString(title).toLatin1() + ") /Producer (tst) >>";

    QByteArray pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
    QList<qsizetype> offsets;
    for (int i = 0; i < objects.size(); ++i) {
        offsets << pdf.size();
        pdf += QByteArray::number(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const qsizetype xref = pdf.size();
    pdf += "xref\n0 " + QByteArray::number(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (const qsizetype offset : offsets)
        pdf += QByteArray::number(offset).rightJustified(10, '0') + " 00000 n \n";
    pdf += "trailer\n<< /Size " + QByteArray::number(objects.size() + 1) + " /Root 1 0 R /Info " +
           QByteArray::number(objects.size()) + " 0 R >>\nstartxref\n" + QByteArray::number(xref) +
           "\n%%EOF\n";
    return pdf;
}

} // namespace aether::test
