#pragma once

#include <QByteArray>
#include <QSet>

namespace aether {

class RedisConnection;

// Finds the jobs that something other than Aether's scripts left where no
// Aether process looks, and puts each where it belongs (QUEUE.md
// "Reconciler"):
// - stranded: status `queued` but in no queue list (a Python RQ worker that
//   died after popping it, a hand-edited list). Seen so in two passes in a
//   row, it goes back to the head of its queue.
// - ended by a Python RQ worker: RQ failed it (its function cannot be
//   imported) in RQ's registries only; it becomes one of Aether's failures,
//   with RQ's error, and can be retried.
// The process holding the reaper lock runs a pass every kPassEveryMs.
class Reconciler
{
public:
    static constexpr int kPassEveryMs = 10000;
    static constexpr int kIndexChunk = 2000; // index entries per script call
    static constexpr int kListPage = 10000;  // list members per LRANGE

    explicit Reconciler(int failureTtlSec) : m_failureTtlSec(failureTtlSec) {}

    // One pass; returns how many jobs it put back or adopted.
    int pass(RedisConnection &redis);

private:
    int requeueStranded(RedisConnection &redis);
    int adoptForeignEnds(RedisConnection &redis);

    int m_failureTtlSec;
    QSet<QByteArray> m_strandedBefore; // stranded in the last pass
};

} // namespace aether
