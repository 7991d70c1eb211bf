#include "ui/appicon.h"

#include <QImageReader>
#include <QLinearGradient>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

// Resources of a static library are registered by hand (outside any namespace).
static void initResources()
{
    Q_INIT_RESOURCE(resources);
}

namespace aether {

namespace {

// The SVG's shapes on its 256x256 canvas, scaled to `size`.
QPixmap paintIcon(int size)
{
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.scale(size / 256.0, size / 256.0);
    QLinearGradient sky(0, 0, 256, 256);
    sky.setColorAt(0, QColor(0x3f, 0x51, 0xb5));
    sky.setColorAt(1, QColor(0x00, 0xac, 0xc1));
    QPainterPath tile;
    tile.addRoundedRect(QRectF(8, 8, 240, 240), 56, 56);
    painter.fillPath(tile, sky);
    const auto page = [&painter](const QRectF &rect, qreal opacity) {
        QPainterPath path;
        path.addRoundedRect(rect, 10, 10);
        painter.setOpacity(opacity);
        painter.fillPath(path, Qt::white);
        painter.setOpacity(1.0);
    };
    page(QRectF(70, 40, 72, 88), 0.55);
    page(QRectF(96, 56, 72, 88), 0.9);
    QPen arrow(Qt::white, 12, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    painter.setPen(arrow);
    painter.drawLine(QPointF(132, 150), QPointF(132, 176));
    painter.drawPolyline(QPolygonF({QPointF(116, 162), QPointF(132, 178), QPointF(148, 162)}));
    painter.setPen(Qt::NoPen);
    painter.setBrush(Qt::white);
    painter.drawEllipse(QPointF(128, 200), 72, 18);
    return pixmap;
}

} // namespace

QIcon applicationIcon()
{
    initResources();
    if (QImageReader::supportedImageFormats().contains("svg"))
        return QIcon(QStringLiteral(":/icons/aether-ingest.svg"));
    QIcon icon;
    for (int size : {16, 24, 32, 48, 64, 128, 256})
        icon.addPixmap(paintIcon(size));
    return icon;
}

} // namespace aether
