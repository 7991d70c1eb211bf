// The framing rules ConnectionGuard applies before QHttpServer reads a byte:
// any header block parses to a request or a refusal that says why, and a
// chunked body is framed the same whatever pieces its bytes arrive in.
#include "server/chunkedbody.h"
#include "server/requesthead.h"

#include <cstddef>
#include <cstdint>

namespace {

void checkHead(const QByteArray &block)
{
    const aether::RequestHead head = aether::RequestHead::parse(block);
    if (head.refusal != 0) {
        if (head.error.isEmpty())
            __builtin_trap(); // a refusal says why
        return;
    }
    const bool sane = !head.method.isEmpty() && !head.target.isEmpty() &&
                      (head.version == "HTTP/1.1" || head.version == "HTTP/1.0") &&
                      head.fields.size() <= aether::RequestHead::kMaxFields &&
                      head.contentLength >= 0 && !(head.chunked && head.contentLength > 0) &&
                      (head.version == "HTTP/1.0" || head.has("host"));
    if (!sane)
        __builtin_trap();
}

struct Framing
{
    qsizetype used = 0;
    bool complete = false;
    bool malformed = false;
    qint64 announced = 0;
};

Framing frame(const QByteArray &bytes, qsizetype step, bool skipData)
{
    aether::ChunkedBody body;
    Framing result;
    qsizetype at = 0;
    while (at < bytes.size() && !body.isComplete() && !body.isMalformed()) {
        if (skipData && body.dataAhead() > 0) {
            const qsizetype skip = qsizetype(qMin<qint64>(body.dataAhead(), bytes.size() - at));
            body.skipData(skip);
            at += skip;
            result.used += skip;
            continue;
        }
        const qsizetype piece = qMin(step, bytes.size() - at);
        const qsizetype used = body.consume(bytes.constData() + at, piece);
        if (used > piece)
            __builtin_trap();
        result.used += used;
        at += piece;
        if (used < piece && !body.isComplete() && !body.isMalformed())
            __builtin_trap(); // stops early only at the end of the body
    }
    result.complete = body.isComplete();
    result.malformed = body.isMalformed();
    result.announced = body.announcedBytes();
    return result;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    checkHead(bytes);
    // The first byte picks the piece size for the second reading.
    const qsizetype step = size > 0 ? 1 + data[0] % 17 : 1;
    const Framing whole = frame(bytes, qMax<qsizetype>(1, bytes.size()), false);
    const Framing pieces = frame(bytes, step, true);
    if (whole.complete != pieces.complete || whole.malformed != pieces.malformed ||
        whole.announced != pieces.announced || (whole.complete && whole.used != pieces.used))
        __builtin_trap();
    return 0;
}
