// The chunker on any text and options: chunks lie inside the text, in order,
// and are never empty.
#include "text/chunker.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const aether::ChunkerOptions options{int(data[0]) * 8, int(data[1]) * 4};
    const QString text =
        QString::fromUtf8(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2));
    qsizetype previousStart = -1;
    for (const aether::Chunk &chunk : aether::Chunker(options).split(text)) {
        if (chunk.text.isEmpty() || chunk.start < 0 || chunk.end > text.size() ||
            chunk.start <= previousStart || chunk.end - chunk.start != chunk.text.size())
            __builtin_trap();
        previousStart = chunk.start;
    }
    return 0;
}
