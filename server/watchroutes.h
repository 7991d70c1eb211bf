#pragma once

#include "server/router.h"
#include "watch/watchregistry.h"

#include <functional>

namespace aether {

class JobQueue;

// Watched folders (admin): POST /ops/watches {path, source?, patterns?},
// GET /ops/watches (each with its state: files tracked, last scan, last
// error), DELETE /ops/watches/{id}. The folder must exist on the machine of
// this server, which also runs the watch. A key of one tenant sees and
// changes only its tenant's watches.
class WatchRoutes
{
public:
    // `changed` tells the watch service to re-read the registry.
    WatchRoutes(JobQueue &queue, std::function<void()> changed);
    void registerOn(Router &router);

    static QJsonObject watchJson(const WatchRegistry::Entry &entry);

private:
    ApiReply add(const RouteContext &context);
    ApiReply list(const RouteContext &context);
    ApiReply remove(const RouteContext &context);

    JobQueue &m_queue;
    std::function<void()> m_changed;
};

} // namespace aether
