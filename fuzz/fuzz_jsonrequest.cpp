// A JSON request body read the way the endpoints read theirs: the body, then
// each field an enqueue or search endpoint takes, then the job options. Any
// refusal must be an ApiError (a clear 4xx), never a crash or another exception.
#include "server/joboptions.h"
#include "server/jsonbody.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    try {
        const aether::JsonBody json(body);
        for (const char *field : {"text", "url", "query", "source", "mode", "webhook_url"}) {
            try {
                (void)json.requiredString(QString::fromLatin1(field), 100000);
            } catch (const aether::ApiError &) {
            }
            try {
                (void)json.optionalString(QString::fromLatin1(field), QString(), 200);
            } catch (const aether::ApiError &) {
            }
        }
        aether::JobRequest request;
        aether::readJobOptions([&json](const QString &name) { return json.object().value(name); },
                               aether::IngestLimits{}, request);
    } catch (const aether::ApiError &error) {
        if (error.status < 400 || error.status > 499 || error.message.isEmpty())
            __builtin_trap(); // a refusal must be a client error with a message
    }
    return 0;
}
