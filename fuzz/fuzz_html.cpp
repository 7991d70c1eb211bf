// The web-page extractor (gumbo, main-content choice, text writer) on any bytes.
#include "base/ingesterror.h"
#include "extract/htmlextractor.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    try {
        const aether::ExtractedDocument document = aether::HtmlExtractor().extract(
            bytes, QStringLiteral("page.html"), aether::CancelToken::never());
        (void)document.isEmpty();
    } catch (const aether::IngestError &) {
    }
    return 0;
}
