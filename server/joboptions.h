#pragma once

#include "queue/jobrequest.h"

#include <QJsonValue>
#include <functional>

namespace aether {

struct IngestLimits
{
    qint64 maxUploadBytes = 100LL * 1024 * 1024;
    int jobTimeoutSec = 600;
    bool allowPrivateUrls = false;
};

// Reads the optional fields every enqueue endpoint takes: `priority`
// (high|default|low), `timeout` (seconds, 1..86400; default JOB_TIMEOUT) and
// `max_attempts` (1..10; default 3). `field` returns a request field by name
// (undefined when absent): JSON values, or multipart text parts as strings.
// Invalid values throw ApiError 422.
void readJobOptions(const std::function<QJsonValue(const QString &)> &field,
                    const IngestLimits &limits, JobRequest &request);

} // namespace aether
