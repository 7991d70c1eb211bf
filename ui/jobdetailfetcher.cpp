#include "ui/jobdetailfetcher.h"

#include "ui/apiclient.h"
#include "ui/jobtablemodel.h"

#include <QDateTime>
#include <QJsonArray>

namespace aether {

namespace {

constexpr int kMaxInFlight = 4;
constexpr int kMaxWaiting = 2000; // beyond this, the oldest wishes are dropped

} // namespace

JobDetailFetcher::JobDetailFetcher(ApiClient *api, JobTableModel *jobs, QObject *parent)
    : QObject(parent), m_api(api), m_jobs(jobs)
{}

void JobDetailFetcher::request(const QStringList &ids)
{
    for (const QString &id : ids) {
        const JobRecord *job = m_jobs->find(id);
        const bool lacksDetails =
            job && (job->name.isEmpty() || job->type.isEmpty() ||
                    (job->status == QLatin1String("finished") && job->chunks < 0));
        if (!lacksDetails || m_known.contains(id))
            continue;
        m_known.insert(id);
        m_waiting.append(id);
    }
    while (m_waiting.size() > kMaxWaiting)
        m_known.remove(m_waiting.takeFirst());
    pump();
}

void JobDetailFetcher::pump()
{
    while (m_inFlight < kMaxInFlight && !m_waiting.isEmpty()) {
        const QString id = m_waiting.takeLast(); // newest first: what the user just added
        ++m_inFlight;
        const qint64 askedAtMs = QDateTime::currentMSecsSinceEpoch();
        m_api->fetchJob(id, this, [this, id, askedAtMs](const ApiAnswer &answer) {
            --m_inFlight;
            m_known.remove(id);
            if (answer.ok() && m_jobs->find(id))
                m_jobs->applyJobs(QJsonArray{answer.json}, askedAtMs);
            pump();
        });
    }
}

} // namespace aether
