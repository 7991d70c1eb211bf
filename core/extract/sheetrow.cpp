#include "extract/sheetrow.h"

#include <QStringList>

namespace aether {

void SheetRow::set(int column, const QString &value)
{
    const QString cell = value.simplified();
    if (!cell.isEmpty() && column >= 0)
        m_cells.insert(column, cell);
}

QString SheetRow::text() const
{
    QStringList cells;
    int previous = -1;
    for (auto it = m_cells.cbegin(); it != m_cells.cend(); ++it) {
        const int gap = it.key() - previous - 1;
        for (int i = 0; i < (gap <= kMaxKeptGap ? gap : 1); ++i)
            cells.append(QString());
        cells.append(it.value());
        previous = it.key();
    }
    return cells.join(QStringLiteral(" | "));
}

} // namespace aether
