// REDIS_URL parsing on any text: a URL or a clear error, never a crash.
#include "config/redisurl.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    QString error;
    const std::optional<aether::RedisUrl> url = aether::RedisUrl::parse(text, &error);
    if (!url && error.isEmpty())
        __builtin_trap(); // a refusal says why
    return 0;
}
