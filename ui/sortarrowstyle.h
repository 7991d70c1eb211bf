#pragma once

#include <QProxyStyle>

class QHeaderView;

namespace aether {

// A header style whose sort arrow points the way the rows run: up for
// ascending, down for descending (newest first shows a down arrow). QHeaderView
// hands styles SortDown for ascending and SortUp for descending, and Fusion on
// Linux draws SortUp as an up arrow, so a newest-first table showed an
// ascending arrow.
class SortArrowStyle : public QProxyStyle
{
    Q_OBJECT

public:
    using QProxyStyle::QProxyStyle;

    // Gives `header` this style (owned by the header).
    static void install(QHeaderView *header);

    void drawPrimitive(PrimitiveElement element, const QStyleOption *option, QPainter *painter,
                       const QWidget *widget = nullptr) const override;
};

} // namespace aether
