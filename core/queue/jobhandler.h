#pragma once

#include "ingest/cancellation.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <functional>
#include <memory>

namespace aether {

using JobFields = QHash<QByteArray, QByteArray>;

// Reports a job's stage ("fetching", "extracting", "chunking", "embedding",
// "storing") and percent done; cheap to call often (the worker throttles).
using ProgressReporter = std::function<void(const char *stage, int percent)>;

struct JobContext
{
    QByteArray id;
    const JobFields &fields;
    const QByteArray &blob; // file jobs: the uploaded bytes
    const CancelToken &cancel;
    ProgressReporter progress;
};

// Runs one job for a worker: returns the job's result object, or throws
// IngestError (the job fails or is retried with its "Kind: message") or
// JobInterrupted (timeout, cancel, shutdown). One handler lives on one worker
// thread, so it may own thread-bound resources (an SQL connection).
class JobHandler
{
public:
    virtual ~JobHandler() = default;
    virtual QJsonObject run(const JobContext &job) = 0;
};

// Called on each worker's own thread to make that worker's handler.
using JobHandlerFactory = std::function<std::unique_ptr<JobHandler>()>;

} // namespace aether
