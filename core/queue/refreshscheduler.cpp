#include "queue/refreshscheduler.h"

#include "queue/jobqueue.h"
#include "queue/redisconnection.h"
#include "queue/refreshschedules.h"

#include <QDateTime>
#include <QLoggingCategory>

namespace aether {

namespace {

Q_LOGGING_CATEGORY(lcRefresh, "aether.refresh")

constexpr int kClaimsPerTick = 100;

} // namespace

RefreshScheduler::RefreshScheduler(const RedisUrl &redis, QObject *parent)
    : QObject(parent), m_queue(std::make_unique<JobQueue>(redis))
{
    m_timer.setInterval(kTickMs);
    connect(&m_timer, &QTimer::timeout, this, &RefreshScheduler::tick);
}

RefreshScheduler::~RefreshScheduler() = default;

void RefreshScheduler::start()
{
    m_timer.start();
}

void RefreshScheduler::tick()
{
    try {
        RefreshSchedules schedules(m_queue->connection());
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (const RefreshSchedule &schedule : schedules.claimDue(now, kClaimsPerTick)) {
            const QByteArray jobId = m_queue->enqueue(RefreshSchedules::runRequest(schedule));
            schedules.recordRun(schedule.id, jobId, now);
            qCInfo(lcRefresh, "refreshing %s (schedule %s, every %s): job %s",
                   qPrintable(schedule.url), schedule.id.constData(), qPrintable(schedule.every),
                   jobId.constData());
        }
    } catch (const RedisUnavailable &error) {
        // The claim moved nothing, or the next run comes a period later:
        // a refresh is late, never doubled.
        qCWarning(lcRefresh, "refresh schedules not read: %s", error.what());
    }
}

} // namespace aether
