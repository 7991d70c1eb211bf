#include "extract/textextractor.h"

#include "extract/textdecoder.h"

namespace aether {

namespace {

// Checking the token is cheap, but not free: once per batch of lines.
constexpr qsizetype kLinesPerCancelCheck = 1000;

} // namespace

ExtractedDocument TextExtractor::extract(const QByteArray &data, const QString &fileName,
                                         const CancelToken &cancel) const
{
    Q_UNUSED(fileName);
    cancel.check();
    ExtractedDocument document;
    document.kind = kind();
    const QString text = TextDecoder::normaliseLineEnds(TextDecoder::decode(data));
    for (const QString &paragraph : splitParagraphs(text, cancel))
        document.blocks.append(TextBlock{paragraph, 0, {}});
    return document;
}

QStringList TextExtractor::splitParagraphs(const QString &text, const CancelToken &cancel)
{
    QStringList paragraphs;
    qsizetype paragraphStart = -1; // -1: between paragraphs
    qsizetype paragraphEnd = 0;    // end of its last non-blank line
    qsizetype lineStart = 0;
    const auto flush = [&] {
        if (paragraphStart >= 0)
            paragraphs.append(text.mid(paragraphStart, paragraphEnd - paragraphStart).trimmed());
        paragraphStart = -1;
    };
    for (qsizetype line = 1; lineStart <= text.size(); ++line) {
        if (line % kLinesPerCancelCheck == 0)
            cancel.check();
        qsizetype lineEnd = text.indexOf(u'\n', lineStart);
        if (lineEnd < 0)
            lineEnd = text.size();
        const bool blank =
            QStringView(text).mid(lineStart, lineEnd - lineStart).trimmed().isEmpty();
        if (blank) {
            flush();
        } else {
            if (paragraphStart < 0)
                paragraphStart = lineStart;
            paragraphEnd = lineEnd;
        }
        lineStart = lineEnd + 1;
    }
    flush();
    return paragraphs;
}

} // namespace aether
