#pragma once

#include <QList>
#include <QString>

namespace aether {

// One chunk as the store keeps it: its text and where it sat in the
// document's joined text (text/chunker.h: chunks repeat some characters of the
// previous one, and skip the blank space between sections).
struct StoredChunk
{
    QString text;
    int page = 0; // 0: none
    QString heading;
    qint64 start = 0;
    qint64 end = 0;
};

// Where, in a stored text, a page or heading begins.
struct TextSection
{
    qsizetype offset = 0;
    int page = 0; // 0: none
    QString heading;
};

struct StoredText
{
    QString text;
    bool truncated = false; // the document's text goes on after `text`
    QList<TextSection> sections;
};

// Joins a document's chunks, in order, back into its text: the characters a
// chunk repeats from the one before are taken once, and a page or heading
// change is noted as a section. Chunks whose offsets do not match their text
// (written by another chunker) are joined whole, a blank line apart.
class StoredTextJoiner
{
public:
    explicit StoredTextJoiner(qsizetype maxCharacters);

    // False once the text is full: the caller stops reading chunks.
    bool add(const StoredChunk &chunk);
    const StoredText &result() const { return m_result; }

private:
    QStringView newPartOf(const StoredChunk &chunk) const;
    QString separatorBefore(const StoredChunk &chunk) const;
    void noteSection(const StoredChunk &chunk);
    bool append(QStringView text);

    qsizetype m_maxCharacters;
    StoredText m_result;
    qint64 m_coveredEnd = -1; // offset just past the last joined chunk; -1: none yet
    bool m_first = true;
    int m_page = 0;
    QString m_heading;
};

} // namespace aether
