#pragma once

#include "base/cancellation.h"
#include "extract/extracteddocument.h"

#include <QList>
#include <QString>

namespace aether {

struct Chunk
{
    QString text;
    int page = 0;        // page of the chunk's first block, 0 = none
    QString heading;     // heading of the chunk's first block
    qsizetype start = 0; // character offsets into the document's joined text
    qsizetype end = 0;
};

struct ChunkerOptions
{
    int size = 1000;   // aim, in characters
    int overlap = 150; // characters repeated from the previous chunk
};

// Splits text into chunks of about options.size characters, cutting at
// paragraph ends where it can, then at sentence ends, then at spaces, and
// repeating about options.overlap characters of whole sentences between chunks.
// split() throws JobInterrupted when `cancel` fires (checked every few dozen chunks).
class Chunker
{
public:
    explicit Chunker(ChunkerOptions options = {});

    QList<Chunk> split(const ExtractedDocument &document,
                       const CancelToken &cancel = CancelToken::never()) const;
    QList<Chunk> split(const QString &text, const CancelToken &cancel = CancelToken::never()) const;

    const ChunkerOptions &options() const { return m_options; }

private:
    ChunkerOptions m_options;
};

} // namespace aether
