#include "ui/sortarrowstyle.h"

#include <QHeaderView>

#include <QStyleOptionHeader>

namespace aether {

void SortArrowStyle::install(QHeaderView *header)
{
    auto *arrows = new SortArrowStyle;
    arrows->setParent(header);
    header->setStyle(arrows);
}

void SortArrowStyle::drawPrimitive(PrimitiveElement element, const QStyleOption *option,
                                   QPainter *painter, const QWidget *widget) const
{
    const auto *header = qstyleoption_cast<const QStyleOptionHeader *>(option);
    if (element != PE_IndicatorHeaderArrow || !header) {
        QProxyStyle::drawPrimitive(element, option, painter, widget);
        return;
    }
    if (header->sortIndicator == QStyleOptionHeader::None)
        return;
    const bool ascending = header->sortIndicator == QStyleOptionHeader::SortDown;
    QProxyStyle::drawPrimitive(ascending ? PE_IndicatorArrowUp : PE_IndicatorArrowDown, option,
                               painter, widget);
}

} // namespace aether
