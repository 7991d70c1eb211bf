#pragma once

// Pictures of text made in the test, for OCR: a page image drawn with
// QPainter, a PNG of it, and a PDF whose pages are only images (no text
// layer), as a scanner makes them. Needs a QGuiApplication (fonts).
#include <QBuffer>
#include <QByteArray>
#include <QFont>
#include <QImage>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QStringList>

namespace aether::test {

// Black text on white at 300 dpi, large and plain: what a clean scan gives.
inline QImage pageImage(const QStringList &lines, int width = 1700)
{
    const int lineHeight = 90;
    QImage image(width, 120 + lineHeight * int(lines.size()), QImage::Format_RGB32);
    image.fill(Qt::white);
    image.setDotsPerMeterX(11811); // 300 dpi
    image.setDotsPerMeterY(11811);
    QPainter painter(&image);
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPixelSize(48);
    painter.setFont(font);
    painter.setPen(Qt::black);
    for (int i = 0; i < lines.size(); ++i)
        painter.drawText(60, 100 + lineHeight * i, lines[i]);
    return image;
}

inline QByteArray pngOf(const QImage &image)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

// One PDF page per image, each drawn as a picture filling an A5 page.
inline QByteArray scannedPdf(const QList<QImage> &pages)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QPdfWriter writer(&buffer);
    writer.setPageSize(QPageSize(QPageSize::A5));
    writer.setResolution(300);
    QPainter painter(&writer);
    for (qsizetype i = 0; i < pages.size(); ++i) {
        if (i > 0)
            writer.newPage();
        const QImage &page = pages[i];
        const QRect target(0, 0, painter.viewport().width(),
                           painter.viewport().width() * page.height() / page.width());
        painter.drawImage(target, page);
    }
    painter.end();
    return bytes;
}

} // namespace aether::test
