#include "ui/jobsourceactions.h"

#include "ui/documentdescription.h"

#include "ui/apiclient.h"
#include "ui/jobtablemodel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QFileInfo>

namespace aether {

namespace {

bool isFinished(const JobRecord &job)
{
    return job.status == QLatin1String("finished");
}

// A URL job's name is its URL (server/jobroutes.cpp, JobRoutes::jobName).
QUrl webUrl(const JobRecord &job)
{
    if (job.type != QLatin1String("url"))
        return {};
    const QUrl url(job.name, QUrl::StrictMode);
    const bool web =
        url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https");
    return web && url.isValid() && !url.host().isEmpty() ? url : QUrl();
}

qint64 documentIdOf(const QJsonObject &job)
{
    const QJsonValue id =
        job.value(QStringLiteral("result")).toObject().value(QStringLiteral("document_id"));
    return id.isDouble() ? qint64(id.toDouble()) : -1;
}

} // namespace

JobSourceActions::JobSourceActions(ApiClient *api, JobTableModel *jobs,
                                   std::function<QStringList()> selected, QObject *parent)
    : QObject(parent), m_api(api), m_jobs(jobs), m_selected(std::move(selected)),
      m_openSource(new QAction(tr("Open source"), this)),
      m_copyUrl(new QAction(tr("Copy URL"), this)),
      m_showDocument(new QAction(tr("Show document"), this)),
      m_opener([](const QUrl &url) { return QDesktopServices::openUrl(url); })
{
    m_openSource->setToolTip(tr("Open the web page, or the file when it is on this computer"));
    m_showDocument->setToolTip(tr("Show the document this job stored"));
    connect(m_openSource, &QAction::triggered, this, &JobSourceActions::open);
    connect(m_copyUrl, &QAction::triggered, this, &JobSourceActions::copy);
    connect(m_showDocument, &QAction::triggered, this, &JobSourceActions::show);
}

const JobRecord *JobSourceActions::singleSelected() const
{
    const QStringList ids = m_selected();
    return ids.size() == 1 ? m_jobs->find(ids.first()) : nullptr;
}

QStringList JobSourceActions::selectedUrls() const
{
    QStringList urls;
    for (const QString &id : m_selected()) {
        const JobRecord *job = m_jobs->find(id);
        if (job && job->type == QLatin1String("url") && !job->name.isEmpty())
            urls.append(job->name);
    }
    return urls;
}

QUrl JobSourceActions::sourceUrl(const JobRecord &job) const
{
    if (const QUrl web = webUrl(job); !web.isEmpty())
        return web;
    if (job.type != QLatin1String("file") || job.name.isEmpty())
        return {};
    // Only a file this window sent: a job's name is whatever its caller wrote
    // (see isOpenableDocument).
    const QString path = m_localFiles ? m_localFiles(job.name) : QString();
    return !path.isEmpty() && isOpenableDocument(path) ? QUrl::fromLocalFile(path) : QUrl();
}

void JobSourceActions::update()
{
    const JobRecord *job = singleSelected();
    m_openSource->setEnabled(job && !sourceUrl(*job).isEmpty());
    m_copyUrl->setEnabled(!selectedUrls().isEmpty());
    m_showDocument->setEnabled(job && isFinished(*job));
}

void JobSourceActions::open()
{
    const JobRecord *job = singleSelected();
    const QUrl url = job ? sourceUrl(*job) : QUrl();
    if (url.isEmpty())
        return;
    if (!m_opener(url))
        Q_EMIT message(tr("Could not open %1").arg(url.toDisplayString()));
}

void JobSourceActions::copy()
{
    const QStringList urls = selectedUrls();
    if (urls.isEmpty())
        return;
    QApplication::clipboard()->setText(urls.join(QLatin1Char('\n')));
    Q_EMIT message(urls.size() == 1 ? tr("Copied %1").arg(urls.first())
                                    : tr("Copied %1 URLs").arg(urls.size()));
}

// The listing lacks results; JobDetailFetcher usually fetched the finished
// job's already, otherwise it is asked for here.
void JobSourceActions::show()
{
    const JobRecord *job = singleSelected();
    if (!job || !isFinished(*job))
        return;
    if (job->documentId >= 0) {
        Q_EMIT showDocumentRequested(job->documentId);
        return;
    }
    const QString id = job->id;
    m_api->fetchJob(id, this, [this, id](const ApiAnswer &answer) {
        if (!answer.ok()) {
            Q_EMIT message(tr("Job %1: %2").arg(id.left(8), answer.error));
            return;
        }
        if (m_jobs->find(id))
            m_jobs->applyJobs(QJsonArray{answer.json});
        const qint64 documentId = documentIdOf(answer.json);
        if (documentId < 0)
            Q_EMIT message(tr("Job %1 stored no document").arg(id.left(8)));
        else
            Q_EMIT showDocumentRequested(documentId);
    });
}

} // namespace aether
