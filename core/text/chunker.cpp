#include "text/chunker.h"

#include <QStringList>

#include <algorithm>

namespace aether {

namespace {

constexpr int kMinimumSize = 50;

// Checking the token is cheap, but not free: once per batch of chunks.
constexpr qsizetype kChunksPerCancelCheck = 64;

// How good a place to end a chunk is; higher is better.
enum class Cut
{
    None,
    Word,
    Line,
    Sentence,
    Paragraph
};

bool isSentenceStop(QChar ch)
{
    return ch == u'.' || ch == u'!' || ch == u'?' || ch == QChar(0x2026) || ch == QChar(0x3002) ||
           ch == QChar(0xFF01) || ch == QChar(0xFF1F);
}

// Full-width stops end a sentence even without a following space.
bool isCjkStop(QChar ch)
{
    return ch == QChar(0x3002) || ch == QChar(0xFF01) || ch == QChar(0xFF1F);
}

bool isCloser(QChar ch)
{
    return ch == u'"' || ch == u'\'' || ch == u')' || ch == u']' || ch == QChar(0x201D) ||
           ch == QChar(0x2019) || ch == QChar(0x00BB);
}

// Finds chunk boundaries in one text. A boundary "at i" ends a chunk at i, so
// text[i - 1] is the chunk's last character. Each step looks at no more than
// one window of options.size characters, which keeps splitting linear.
class ChunkCutter
{
public:
    ChunkCutter(QStringView text, const ChunkerOptions &options)
        : m_text(text), m_size(options.size), m_overlap(options.overlap)
    {}

    // [start, end) ranges of the chunks, trimmed of surrounding whitespace.
    QList<std::pair<qsizetype, qsizetype>> ranges(const CancelToken &cancel) const
    {
        QList<std::pair<qsizetype, qsizetype>> result;
        qsizetype textEnd = m_text.size();
        while (textEnd > 0 && m_text[textEnd - 1].isSpace())
            --textEnd;
        qsizetype pos = skipSpace(0);
        qsizetype previousEnd = pos;
        while (pos < textEnd) {
            if (textEnd - pos <= m_size) {
                result.append({pos, textEnd});
                break;
            }
            const qsizetype cut = chooseCut(pos, std::max(pos + m_size / 4, previousEnd + 1));
            const qsizetype end = trimEnd(pos, cut);
            if (end <= previousEnd) { // only whitespace since the last chunk
                pos = skipSpace(cut);
                continue;
            }
            result.append({pos, end});
            if (result.size() % kChunksPerCancelCheck == 0)
                cancel.check();
            pos = overlapStart(pos, end);
            previousEnd = end;
        }
        return result;
    }

private:
    qsizetype skipSpace(qsizetype i) const
    {
        while (i < m_text.size() && m_text[i].isSpace())
            ++i;
        return i;
    }

    qsizetype trimEnd(qsizetype start, qsizetype end) const
    {
        while (end > start && m_text[end - 1].isSpace())
            --end;
        return end;
    }

    Cut cutAt(qsizetype i) const
    {
        if (i <= 0 || i >= m_text.size())
            return Cut::None;
        const QChar before = m_text[i - 1];
        if (isCjkStop(before) && !m_text[i].isSpace())
            return Cut::Sentence;
        if (before.isSpace() || !m_text[i].isSpace())
            return Cut::None;
        int newlines = 0;
        for (qsizetype j = i; j < m_text.size() && m_text[j].isSpace() && newlines < 2; ++j)
            newlines += m_text[j] == u'\n';
        if (newlines >= 2)
            return Cut::Paragraph;
        if (endsSentence(i))
            return Cut::Sentence;
        return newlines == 1 ? Cut::Line : Cut::Word;
    }

    bool endsSentence(qsizetype i) const
    {
        qsizetype k = i - 1;
        while (k > 0 && i - k <= 3 && isCloser(m_text[k]))
            --k;
        return isSentenceStop(m_text[k]);
    }

    // The best boundary in [minCut, pos + size]: the last paragraph end, else
    // the last sentence end, line end, space, else a hard cut at the size.
    qsizetype chooseCut(qsizetype pos, qsizetype minCut) const
    {
        qsizetype limit = pos + m_size;
        qsizetype best[5] = {-1, -1, -1, -1, -1}; // last position of each Cut kind
        for (qsizetype i = limit; i >= minCut; --i) {
            const Cut kind = cutAt(i);
            if (kind == Cut::Paragraph)
                return i;
            qsizetype &slot = best[static_cast<int>(kind)];
            if (kind != Cut::None && slot < 0)
                slot = i;
        }
        for (const Cut kind : {Cut::Sentence, Cut::Line, Cut::Word}) {
            if (best[static_cast<int>(kind)] >= 0)
                return best[static_cast<int>(kind)];
        }
        if (m_text[limit - 1].isHighSurrogate())
            --limit; // never split a surrogate pair
        return limit;
    }

    // Where the next chunk starts so that it repeats about m_overlap characters:
    // the earliest sentence (else line, else word) start in the chunk's tail.
    // The overlap never exceeds half the chunk, so chunks always move forward.
    qsizetype overlapStart(qsizetype pos, qsizetype end) const
    {
        if (m_overlap == 0)
            return skipSpace(end);
        const qsizetype lower = std::max(end - m_overlap, pos + (end - pos) / 2);
        qsizetype line = -1;
        qsizetype word = -1;
        for (qsizetype i = lower; i < end; ++i) {
            const Cut kind = cutAt(i);
            if (kind == Cut::Sentence || kind == Cut::Paragraph)
                return skipSpace(i);
            if (kind == Cut::Line && line < 0)
                line = i;
            if (kind == Cut::Word && word < 0)
                word = i;
        }
        if (line >= 0)
            return skipSpace(line);
        return skipSpace(word >= 0 ? word : end);
    }

    QStringView m_text;
    qsizetype m_size;
    qsizetype m_overlap;
};

} // namespace

Chunker::Chunker(ChunkerOptions options) : m_options(options)
{
    // Out-of-range options are clamped rather than refused: any setting yields usable chunks.
    m_options.size = std::max(m_options.size, kMinimumSize);
    m_options.overlap = std::clamp(m_options.overlap, 0, (m_options.size - 1) / 2);
}

namespace {

// A run of blocks under one heading on one page: chunks never cross from one
// section to the next, so each carries the heading path and page of all its text.
struct Section
{
    qsizetype firstBlock = 0;
    qsizetype start = 0; // in the document's joined text
    qsizetype end = 0;
};

bool isSubsection(const QString &heading, const QString &parent)
{
    return heading == parent || (heading.startsWith(parent) &&
                                 QStringView(heading).mid(parent.size()).startsWith(u" > "));
}

// A short subsection joins its parent's section while both fit in one chunk,
// so a page of many small headings does not become many tiny chunks.
QList<Section> sectionsOf(const QList<TextBlock> &blocks, const QList<qsizetype> &blockStarts,
                          qsizetype size)
{
    QList<Section> sections;
    for (qsizetype i = 0; i < blocks.size(); ++i) {
        const qsizetype end = blockStarts[i] + blocks[i].text.size();
        if (!sections.isEmpty()) {
            Section &last = sections.last();
            const TextBlock &first = blocks[last.firstBlock];
            const bool samePlace =
                blocks[i].page == first.page && blocks[i].heading == blocks[i - 1].heading;
            const bool fitsParent = blocks[i].page == first.page &&
                                    isSubsection(blocks[i].heading, first.heading) &&
                                    end - last.start <= size;
            if (samePlace || fitsParent) {
                last.end = end;
                continue;
            }
        }
        sections.append(Section{i, blockStarts[i], end});
    }
    return sections;
}

} // namespace

QList<Chunk> Chunker::split(const ExtractedDocument &document, const CancelToken &cancel) const
{
    cancel.check();
    QStringList texts;
    QList<qsizetype> blockStarts;
    qsizetype offset = 0;
    for (const TextBlock &block : document.blocks) {
        blockStarts.append(offset);
        texts.append(block.text);
        offset += block.text.size() + 2;
    }
    const QString joined = texts.join(QStringLiteral("\n\n"));

    QList<Chunk> chunks;
    for (const Section &section : sectionsOf(document.blocks, blockStarts, m_options.size)) {
        const TextBlock &block = document.blocks[section.firstBlock];
        const QStringView text =
            QStringView(joined).mid(section.start, section.end - section.start);
        for (const auto &[start, end] : ChunkCutter(text, m_options).ranges(cancel)) {
            chunks.append(Chunk{text.mid(start, end - start).toString(), block.page, block.heading,
                                section.start + start, section.start + end});
        }
    }
    return chunks;
}

QList<Chunk> Chunker::split(const QString &text, const CancelToken &cancel) const
{
    ExtractedDocument document;
    document.blocks.append(TextBlock{text, 0, {}});
    return split(document, cancel);
}

} // namespace aether
