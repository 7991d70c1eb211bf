#pragma once

#include "server/router.h"
#include "watch/watchfence.h"
#include "watch/watchregistry.h"

#include <functional>

namespace aether {

class JobQueue;

// Watched folders (admin): POST /ops/watches {path, source?, patterns?},
// GET /ops/watches (each with its state: files tracked, last scan, last
// error), DELETE /ops/watches/{id}, POST /ops/watches/{id}/rescan (a full
// scan now rather than at the next periodic rescan; 202, the scan runs on the
// watch thread and its outcome shows in the watch's state). The folder must exist on the machine of
// this server, which also runs the watch. A key of one tenant sees and
// changes only its tenant's watches, and adds folders only inside the
// WATCH_ROOTS open to its tenant, outside hidden folders and the program's
// own folders (WatchFence; 403 otherwise); an operator key ('*' or the admin
// key) may watch any folder. The registry records whether an operator made
// the watch: the others are checked again at each scan. Deleting a watch
// stops its scan at once.
class WatchRoutes
{
public:
    struct Hooks
    {
        std::function<void()> changed; // the watch service re-reads the registry
        // A removed watch's scan in progress stops (called on the HTTP thread).
        std::function<void(const QByteArray &id)> stopScan;
        // "Rescan now": queued to the watch service's thread (called on the HTTP thread).
        std::function<void(const QByteArray &id)> rescan;
    };

    WatchRoutes(JobQueue &queue, WatchFence fence, Hooks hooks);
    void registerOn(Router &router);

    static QJsonObject watchJson(const WatchRegistry::Entry &entry);

private:
    ApiReply add(const RouteContext &context);
    ApiReply list(const RouteContext &context);
    ApiReply remove(const RouteContext &context);
    ApiReply rescan(const RouteContext &context);

    JobQueue &m_queue;
    WatchFence m_fence;
    Hooks m_hooks;
};

} // namespace aether
