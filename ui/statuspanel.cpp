#include "ui/statuspanel.h"

#include "ui/apiclient.h"

#include <QApplication>
#include <QClipboard>
#include <QJsonArray>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>
#include <QTimer>

namespace aether {

namespace {

constexpr int kPollMs = 2000;

} // namespace

StatusPanel::StatusPanel(ApiClient *api, const ServiceInfo &service, QStatusBar *bar)
    : QObject(bar), m_api(api), m_service(service), m_bar(bar), m_address(new QPushButton(bar)),
      m_redis(new QLabel(bar)), m_workers(new QLabel(bar)), m_queue(new QLabel(bar)),
      m_resume(new QPushButton(tr("Resume"), bar)), m_reindex(new QPushButton(tr("Re-index…"), bar))
{
    m_address->setObjectName(QStringLiteral("apiAddress"));
    m_address->setFlat(true);
    m_address->setCursor(Qt::PointingHandCursor);
    m_address->setToolTip(tr("The local REST API; click to copy its address"));
    connect(m_address, &QPushButton::clicked, this, [this] {
        const QString address = m_service.api.baseUrl.toString(QUrl::StripTrailingSlash);
        QApplication::clipboard()->setText(address);
        m_bar->showMessage(tr("Copied %1").arg(address), 3000);
    });
    m_workers->setObjectName(QStringLiteral("workersStatus"));
    m_queue->setObjectName(QStringLiteral("queueStatus"));
    m_redis->setObjectName(QStringLiteral("redisStatus"));
    bar->addPermanentWidget(m_address);
    showAddress();
    bar->addPermanentWidget(m_redis);
    bar->addPermanentWidget(m_workers);
    bar->addPermanentWidget(m_queue);
    m_resume->setObjectName(QStringLiteral("resumeQueueButton"));
    m_resume->setToolTip(tr("The queue is paused: let the workers take jobs again"));
    m_resume->hide();
    connect(m_resume, &QPushButton::clicked, this, &StatusPanel::resumeRequested);
    bar->addPermanentWidget(m_resume);
    m_reindex->setObjectName(QStringLiteral("reindexButton"));
    m_reindex->setStyleSheet(QStringLiteral("color: #c62828;"));
    connect(m_reindex, &QPushButton::clicked, this, &StatusPanel::reindex);
    m_confirm = [bar](const QString &question) {
        return QMessageBox::question(bar->window(), tr("Re-index"), question) == QMessageBox::Yes;
    };
    bar->addPermanentWidget(m_reindex);
    showStoreMismatch();
    showRedis();
    m_workers->setText(tr("Workers –"));
    m_queue->setText(tr("Queue –"));
    m_pollTimer = new QTimer(this);
    connect(m_pollTimer, &QTimer::timeout, this, &StatusPanel::poll);
    m_pollTimer->start(kPollMs);
    poll();
}

// While the service restarts there is nothing to ask: no red "unreachable"
// for what is on purpose.
void StatusPanel::pause()
{
    m_pollTimer->stop();
    m_paused = true;
    m_queue->setStyleSheet(QString());
    m_queue->setText(tr("Restarting…"));
    m_workers->setText(tr("Workers –"));
}

void StatusPanel::setService(const ServiceInfo &service)
{
    m_service = service;
    m_paused = false;
    showAddress();
    showRedis();
    showStoreMismatch();
    m_pollTimer->start(kPollMs);
    poll();
}

// A store built with another embedder refuses new documents until every
// chunk is embedded again: say so for as long as it lasts, with the way out.
void StatusPanel::showStoreMismatch()
{
    // While a re-index runs the store still differs; the button says it is on its way.
    const bool running = !m_reindexJob.isEmpty();
    m_reindex->setVisible(!m_service.storeMismatch.isEmpty());
    m_reindex->setEnabled(!running);
    m_reindex->setText(running ? tr("Re-indexing…") : tr("Re-index…"));
    m_reindex->setToolTip(
        tr("New documents cannot be stored: %1.\nRe-index embeds every stored chunk again with "
           "the configured embedder.")
            .arg(m_service.storeMismatch));
}

void StatusPanel::reindex()
{
    if (!m_confirm(tr("Embed every stored chunk again with the configured embedder? This takes "
                      "a while for a large store, and a remote embedder is sent every stored "
                      "text.")))
        return;
    m_reindex->setEnabled(false);
    m_api->reindex(this, [this](const ApiAnswer &answer) {
        if (!answer.ok()) {
            m_reindex->setEnabled(true);
            Q_EMIT message(tr("Re-index refused: %1").arg(answer.error));
            return;
        }
        m_reindexJob = answer.json.value(QStringLiteral("job_id")).toString();
        showStoreMismatch();
        Q_EMIT message(tr("Re-indexing every stored document (job %1)").arg(m_reindexJob));
    });
}

void StatusPanel::reindexEnded(const QString &jobId, bool finished, const QString &error)
{
    if (jobId != m_reindexJob)
        return;
    m_reindexJob.clear();
    if (finished)
        m_service.storeMismatch.clear(); // the store has the configured embedder now
    showStoreMismatch();
    Q_EMIT message(finished ? tr("Re-index finished: new documents can be stored again")
                            : tr("Re-index failed: %1").arg(error));
}

void StatusPanel::showAddress()
{
    m_address->setText(tr("API %1").arg(m_service.api.baseUrl.toString(QUrl::StripTrailingSlash)));
}

void StatusPanel::showRedis()
{
    const QString where =
        m_service.embeddedRedis ? tr("embedded") : m_service.redis.toDisplayString();
    m_redis->setText(
        tr("Redis %1 · %2").arg(where, m_redisConnected ? tr("connected") : tr("not connected")));
    m_redis->setStyleSheet(m_redisConnected ? QString() : QStringLiteral("color: #c62828;"));
    m_redis->setToolTip(m_service.redis.toDisplayString());
}

void StatusPanel::poll()
{
    if (m_polling || m_paused)
        return;
    m_polling = true;
    m_api->fetchQueue(this, [this](const ApiAnswer &answer) {
        m_polling = false;
        if (m_paused)
            return; // asked of the service that is being stopped
        // Only these two answers speak of Redis: 200 (reached) and 503 (the API
        // cannot reach it). A refused key or an unreachable API says nothing of it.
        if ((answer.ok() || answer.status == 503) && m_redisConnected != answer.ok()) {
            m_redisConnected = answer.ok();
            showRedis();
        }
        if (answer.ok())
            showQueue(answer.json);
        else
            showProblem(answer);
    });
}

// What stands between the window and the queue, in the words that say what to do.
void StatusPanel::showProblem(const ApiAnswer &answer)
{
    QString text;
    if (answer.status == 0)
        text = tr("API unreachable: %1").arg(answer.error);
    else if (answer.status == 401 || answer.status == 403)
        text = tr("The window's key is refused (it needs an admin key): %1").arg(answer.error);
    else if (answer.status == 503)
        text = tr("Queue unavailable");
    else
        text = tr("Queue: %1").arg(answer.error);
    m_queue->setText(text);
    m_queue->setToolTip(answer.error);
    m_queue->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_workers->setText(tr("Workers –"));
}

void StatusPanel::showQueue(const QJsonObject &queue)
{
    const QJsonArray workers = queue.value(QStringLiteral("workers")).toArray();
    int busy = 0;
    for (const QJsonValue &worker : workers) {
        if (!worker.toObject().value(QStringLiteral("current_job")).toString().isEmpty())
            ++busy;
    }
    m_workers->setText(tr("Workers %1/%2 busy").arg(busy).arg(workers.size()));
    m_queue->setStyleSheet(QString());
    m_queue->setToolTip(QString());
    const QJsonObject counts = queue.value(QStringLiteral("counts")).toObject();
    const bool paused = queue.value(QStringLiteral("paused")).toBool();
    QString text = tr("Queue %1").arg(counts.value(QStringLiteral("queued")).toInt());
    if (paused)
        text += tr(" (paused)");
    m_queue->setText(text);
    m_resume->setVisible(paused);
    if (paused != m_queuePaused) {
        m_queuePaused = paused;
        Q_EMIT queuePausedChanged(paused);
    }
}

QString StatusPanel::workersText() const
{
    return m_workers->text();
}

QString StatusPanel::queueText() const
{
    return m_queue->text();
}

} // namespace aether
