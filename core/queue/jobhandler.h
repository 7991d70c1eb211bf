#pragma once

#include "base/cancellation.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <exception>
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

// A job whose work is done (fetched, extracted, chunked, embedded) and that
// waits to be stored with the others of its batch. Handlers extend it.
struct PreparedJob
{
    virtual ~PreparedJob() = default;
    const CancelToken *cancel = &CancelToken::never();
    QJsonObject result;       // the job's result, once stored
    std::exception_ptr error; // why it could not be stored, if so
};

// Runs jobs for a worker in two steps, so that a worker draining many small
// jobs can store them in one transaction (group commit):
// prepare() does a job's work and throws IngestError (the job fails or is
// retried with its "Kind: message") or JobInterrupted (timeout, cancel,
// shutdown); store() then writes a batch of prepared jobs, each atomically,
// and sets each one's result or error. One handler lives on one worker
// thread, so it may own thread-bound resources (an SQL connection).
class JobHandler
{
public:
    virtual ~JobHandler() = default;
    virtual std::unique_ptr<PreparedJob> prepare(const JobContext &job) = 0;
    virtual void store(const QList<PreparedJob *> &jobs) = 0;
    // After a job was stored and before its end is recorded: work that must
    // be queued while the job still counts as running (a crawl's next pages
    // join its batch before the page that found them ends it). Throws nothing
    // that should fail the job: it is done.
    virtual void followUp(const JobFields &fields, PreparedJob &job)
    {
        Q_UNUSED(fields);
        Q_UNUSED(job);
    }
};

// Called on each worker's own thread to make that worker's handler.
using JobHandlerFactory = std::function<std::unique_ptr<JobHandler>()>;

} // namespace aether
