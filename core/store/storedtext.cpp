#include "store/storedtext.h"

namespace aether {

namespace {

bool offsetsMatch(const StoredChunk &chunk)
{
    return chunk.start >= 0 && chunk.end - chunk.start == chunk.text.size();
}

} // namespace

StoredTextJoiner::StoredTextJoiner(qsizetype maxCharacters) : m_maxCharacters(maxCharacters) {}

bool StoredTextJoiner::add(const StoredChunk &chunk)
{
    if (m_result.truncated)
        return false;
    const QStringView part = newPartOf(chunk);
    if (part.isEmpty() && !m_first)
        return true; // wholly repeated from the chunk before
    const bool fits = append(separatorBefore(chunk));
    noteSection(chunk);
    m_first = false;
    if (offsetsMatch(chunk))
        m_coveredEnd = chunk.end;
    else
        m_coveredEnd = -1;
    return fits && append(part);
}

// What the chunk adds after the characters it repeats from the one before.
QStringView StoredTextJoiner::newPartOf(const StoredChunk &chunk) const
{
    if (m_coveredEnd < 0 || !offsetsMatch(chunk) || chunk.start >= m_coveredEnd)
        return chunk.text;
    return QStringView(chunk.text).mid(qMin<qint64>(m_coveredEnd - chunk.start, chunk.text.size()));
}

// The chunker drops the blank space between chunks: one character of it was a
// space or a line break between words, more is a paragraph or section break.
QString StoredTextJoiner::separatorBefore(const StoredChunk &chunk) const
{
    if (m_first)
        return {};
    if (m_coveredEnd < 0 || !offsetsMatch(chunk))
        return QStringLiteral("\n\n");
    const qint64 gap = chunk.start - m_coveredEnd;
    if (gap <= 0)
        return {};
    return gap == 1 ? QStringLiteral(" ") : QStringLiteral("\n\n");
}

void StoredTextJoiner::noteSection(const StoredChunk &chunk)
{
    const bool changed = chunk.page != m_page || chunk.heading != m_heading;
    m_page = chunk.page;
    m_heading = chunk.heading;
    if (changed && m_result.text.size() < m_maxCharacters)
        m_result.sections.append(TextSection{m_result.text.size(), chunk.page, chunk.heading});
}

bool StoredTextJoiner::append(QStringView text)
{
    const qsizetype room = m_maxCharacters - m_result.text.size();
    if (text.size() <= room) {
        m_result.text += text;
        return true;
    }
    qsizetype cut = qMax<qsizetype>(room, 0);
    if (cut > 0 && text[cut - 1].isHighSurrogate())
        --cut; // never half a character
    m_result.text += text.left(cut);
    m_result.truncated = true;
    return false;
}

} // namespace aether
