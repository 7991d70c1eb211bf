#include "extract/headingpath.h"

#include <QStringList>

namespace aether {

void HeadingPath::enter(int level, const QString &title)
{
    while (!m_entries.isEmpty() && m_entries.last().level >= level)
        m_entries.removeLast();
    m_entries.append(Entry{level, title});
}

QString HeadingPath::path() const
{
    QStringList titles;
    for (const Entry &entry : m_entries)
        titles.append(entry.title);
    return titles.join(QStringLiteral(" > "));
}

} // namespace aether
