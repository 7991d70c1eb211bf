#pragma once

#include <QMap>
#include <QString>

namespace aether {

// One spreadsheet row as a line of text: its non-empty cells in column order,
// joined by " | ". Short runs of empty cells keep their places so values stay
// under their column headers; long ones (a value in column ZZ) shrink to one.
class SheetRow
{
public:
    static constexpr int kMaxKeptGap = 8;

    void set(int column, const QString &value);
    bool isEmpty() const { return m_cells.isEmpty(); }
    QString text() const;

private:
    QMap<int, QString> m_cells;
};

} // namespace aether
