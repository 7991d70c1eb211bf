// The multipart parser on any body: the first line is the boundary (as a
// Content-Type header would give it), the rest is the body.
#include "server/multipartparser.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype newline = input.indexOf('\n');
    if (newline < 0)
        return 0;
    const QByteArray boundary = aether::MultipartParser::boundaryFrom(
        QByteArray("multipart/form-data; boundary=") + input.left(newline));
    if (boundary.isEmpty())
        return 0;
    aether::MultipartParser parser;
    if (const auto parts = parser.parse(input.mid(newline + 1), boundary)) {
        for (const aether::MultipartPart &part : *parts)
            (void)part.data.size();
    }
    return 0;
}
