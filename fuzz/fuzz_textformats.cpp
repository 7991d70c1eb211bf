// Markdown, CSV, JSON, e-mail and plain text on any bytes; the first byte picks
// the format (by the file name the registry is given), the rest is the file.
#include "base/ingesterror.h"
#include "extract/extractorregistry.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const char *const names[] = {"notes.md",    "table.csv", "table.tsv", "data.json",
                                        "lines.jsonl", "mail.eml",  "plain.txt"};
    const char *name = names[data[0] % (sizeof(names) / sizeof(names[0]))];
    const QByteArray bytes(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    try {
        (void)aether::ExtractorRegistry::standard()
            .extract(bytes, QString::fromLatin1(name), {}, aether::CancelToken::never())
            .blocks.size();
    } catch (const aether::IngestError &) {
    }
    return 0;
}
