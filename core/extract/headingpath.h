#pragma once

#include <QList>
#include <QString>

namespace aether {

// The headings a point of a document sits under, outermost first, so a block
// can say where it is: "Install > On Debian". A heading closes every heading
// of its own or a deeper level.
class HeadingPath
{
public:
    // level: 1 for the outermost headings; 0 is above them (a document title).
    void enter(int level, const QString &title);
    void clear() { m_entries.clear(); }

    QString path() const; // titles joined with " > "; empty before the first heading
    bool isEmpty() const { return m_entries.isEmpty(); }

private:
    struct Entry
    {
        int level;
        QString title;
    };
    QList<Entry> m_entries;
};

} // namespace aether
