// The zip-based readers (.docx, .pptx, .xlsx, .odt, .ods, .odp) on any bytes:
// the registry chooses by the zip's entries, as for an upload.
#include "base/ingesterror.h"
#include "extract/extractorregistry.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    try {
        (void)aether::ExtractorRegistry::standard()
            .extract(bytes, QStringLiteral("upload.docx"), {}, aether::CancelToken::never())
            .blocks.size();
    } catch (const aether::IngestError &) {
    }
    return 0;
}
