#pragma once

#include <QtGlobal>

namespace aether {

// The bytes of request bodies being received and not yet handed to a route,
// across all connections (MAX_INFLIGHT_MB): QHttpServer 6.4 holds each body in
// memory until it is complete, so this bounds what uploads in progress cost.
// Lives on the HTTP thread.
class InflightBudget
{
public:
    explicit InflightBudget(qint64 capBytes) : m_cap(capBytes) {}

    // False when `bytes` more would pass the cap. A body larger than the whole
    // cap is still let in when nothing else is in flight, or it never could be.
    bool tryReserve(qint64 bytes)
    {
        if (m_used > 0 && m_used + bytes > m_cap)
            return false;
        m_used += bytes;
        return true;
    }
    void release(qint64 bytes) { m_used = qMax<qint64>(0, m_used - bytes); }

    qint64 used() const { return m_used; }
    qint64 cap() const { return m_cap; }

private:
    qint64 m_cap;
    qint64 m_used = 0;
};

} // namespace aether
