#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <functional>
#include <memory>

namespace aether {

using JobFields = QHash<QByteArray, QByteArray>;

// Runs one job for a worker: returns the job's result object, or throws
// IngestError (the job fails with its "Kind: message"). One handler lives on
// one worker thread, so it may own thread-bound resources (an SQL connection).
class JobHandler
{
public:
    virtual ~JobHandler() = default;
    virtual QJsonObject run(const QByteArray &id, const JobFields &fields,
                            const QByteArray &blob) = 0;
};

// Called on each worker's own thread to make that worker's handler.
using JobHandlerFactory = std::function<std::unique_ptr<JobHandler>()>;

} // namespace aether
