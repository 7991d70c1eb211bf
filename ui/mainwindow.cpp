#include "ui/mainwindow.h"

#include "ui/addcontentpanel.h"
#include "ui/apiclient.h"
#include "ui/appicon.h"
#include "ui/batchtracker.h"
#include "ui/documentspanel.h"
#include "ui/eventstream.h"
#include "ui/jobdetailfetcher.h"
#include "ui/jobspanel.h"
#include "ui/jobtablemodel.h"
#include "ui/searchpanel.h"
#include "ui/settingsdialog.h"
#include "ui/statuspanel.h"
#include "ui/watchedfolderspanel.h"

#include <QCloseEvent>
#include <QGuiApplication>
#include <QJsonArray>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <limits>

namespace aether {

namespace {

constexpr int kReconcileMs = 3000;
constexpr int kListPageSize = 500;
constexpr int kMaxListPages = 20; // 10,000 jobs
constexpr int kMessageMs = 6000;

// The platform theme's shortcut, or `fallback` where the theme has none
// (several Linux themes define no Preferences or Quit key).
QKeySequence standardOr(QKeySequence::StandardKey key, QKeyCombination fallback)
{
    const QList<QKeySequence> bindings = QKeySequence::keyBindings(key);
    return bindings.isEmpty() ? QKeySequence(fallback) : bindings.first();
}

} // namespace

MainWindow::MainWindow(ServiceInfo service, QWidget *parent)
    : QMainWindow(parent), m_service(std::move(service)), m_api(new ApiClient(m_service.api, this)),
      m_jobs(new JobTableModel(this)), m_events(new EventStream(m_api, this)),
      m_details(new JobDetailFetcher(m_api, m_jobs, this)),
      m_batches(new BatchTracker(m_jobs, this)), m_tabs(new QTabWidget(this)),
      m_addPanel(new AddContentPanel(m_api, this)), m_jobsPanel(new JobsPanel(m_api, m_jobs, this)),
      m_searchPanel(new SearchPanel(
          m_api, [this](const QString &name) { return m_localFiles.value(name); }, this)),
      m_documentsPanel(new DocumentsPanel(m_api, this)),
      m_watchedPanel(new WatchedFoldersPanel(m_api, this)), m_reconcileTimer(new QTimer(this))
{
    setWindowTitle(tr("Aether Ingest"));
    setWindowIcon(applicationIcon());

    auto *jobsPage = new QWidget(this);
    auto *jobsLayout = new QVBoxLayout(jobsPage);
    auto *split = new QSplitter(Qt::Vertical, jobsPage);
    split->addWidget(m_addPanel);
    split->addWidget(m_jobsPanel);
    split->setStretchFactor(1, 1);
    jobsLayout->addWidget(split);
    m_tabs->addTab(jobsPage, tr("Add && jobs"));
    m_tabs->addTab(m_searchPanel, tr("Search"));
    m_tabs->addTab(m_documentsPanel, tr("Documents"));
    m_tabs->addTab(m_watchedPanel, tr("Watched folders"));
    connect(m_addPanel, &AddContentPanel::folderWatched, m_watchedPanel,
            &WatchedFoldersPanel::refresh);
    setCentralWidget(m_tabs);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (m_tabs->widget(index) == m_documentsPanel)
            m_documentsPanel->refresh();
    });

    m_statusPanel = new StatusPanel(m_api, m_service, statusBar());
    connect(m_statusPanel, &StatusPanel::queuePausedChanged, m_jobsPanel,
            &JobsPanel::setQueuePaused);
    connect(m_statusPanel, &StatusPanel::resumeRequested, this, [this] {
        if (m_statusPanel->queuePaused())
            m_jobsPanel->toggleQueuePaused();
    });
    connect(m_jobsPanel, &JobsPanel::queueChanged, m_statusPanel, &StatusPanel::poll);
    connect(m_events, &EventStream::eventsArrived, m_jobs, &JobTableModel::applyEvents);
    connect(m_events, &EventStream::connectionChanged, this, [this](bool connected) {
        if (connected)
            reconcile(); // events beyond the event log's reach may have been missed
    });
    connect(m_events, &EventStream::refused, this, [this](const QString &why) {
        showStatusMessage(tr("Live job updates refused: %1").arg(why));
    });
    connect(m_jobs, &JobTableModel::jobsEnded, m_details, &JobDetailFetcher::request);
    connect(m_addPanel, &AddContentPanel::jobSubmitted, this,
            [this](const QString &id, const QString &type, const QString &name,
                   const QString &source, const QString &localPath) {
                m_jobs->noteSubmitted(id, type, name, source);
                if (!localPath.isEmpty())
                    m_localFiles.insert(name, localPath);
            });
    connect(m_addPanel, &AddContentPanel::batchStarted, m_batches, &BatchTracker::startBatch);
    connect(m_addPanel, &AddContentPanel::batchJobSubmitted, m_batches, &BatchTracker::addJob);
    connect(m_batches, &BatchTracker::batchFinished, this,
            [this](const QString &label, int finished, int failed) {
                if (finished + failed == 1) // one text or file: no batch to count
                    notify(tr("Done"), finished == 1 ? tr("%1 finished").arg(label)
                                                     : tr("%1 failed or was canceled").arg(label));
                else
                    notify(tr("Batch done"), tr("%1: %2 finished, %3 failed or canceled")
                                                 .arg(label)
                                                 .arg(finished)
                                                 .arg(failed));
            });
    connect(m_addPanel, &AddContentPanel::message, this, &MainWindow::showStatusMessage);
    connect(m_jobsPanel, &JobsPanel::message, this, &MainWindow::showStatusMessage);
    m_jobsPanel->setLocalFiles([this](const QString &name) { return m_localFiles.value(name); });
    m_documentsPanel->setLocalFileLookup(
        [this](const QString &name) { return m_localFiles.value(name); });
    connect(m_jobsPanel, &JobsPanel::showDocumentRequested, this, [this](qint64 documentId) {
        m_tabs->setCurrentWidget(m_documentsPanel);
        m_documentsPanel->showDocument(documentId);
    });
    connect(m_statusPanel, &StatusPanel::message, this, &MainWindow::showStatusMessage);
    connect(m_watchedPanel, &WatchedFoldersPanel::addFolderOnceRequested, this,
            &MainWindow::addFolderOnce);
    connect(m_jobs, &JobTableModel::jobsEnded, this, [this](const QStringList &ids) {
        const QString reindex = m_statusPanel->reindexJob();
        const JobRecord *job = ids.contains(reindex) ? m_jobs->find(reindex) : nullptr;
        if (job)
            m_statusPanel->reindexEnded(reindex, job->status == QLatin1String("finished"),
                                        job->error);
    });

    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(windowIcon(), this);
        m_tray->setToolTip(windowTitle());
        m_tray->show();
    }
    createMenus();
    restoreGeometry();

    connect(m_reconcileTimer, &QTimer::timeout, this, &MainWindow::reconcile);
    m_reconcileTimer->start(kReconcileMs);
    m_events->start();
    reconcile();
}

MainWindow::~MainWindow()
{
    m_events->stop();
}

void MainWindow::addFolderOnce()
{
    m_tabs->setCurrentIndex(0); // where the folder's files wait to be queued
    m_addPanel->chooseFolder();
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("Add &files…"), QKeySequence::Open, m_addPanel,
                    &AddContentPanel::chooseFiles);
    file->addAction(tr("Add f&older…"), this, &MainWindow::addFolderOnce);
    file->addAction(tr("&Watch folder…"), this, [this] {
        m_tabs->setCurrentWidget(m_watchedPanel);
        m_watchedPanel->watchFolder();
    });
    file->addAction(tr("Add &URLs"), QKeySequence(Qt::CTRL | Qt::Key_L), this, [this] {
        m_tabs->setCurrentIndex(0);
        m_addPanel->focusUrlBox();
    });
    file->addAction(tr("&Paste text…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V), m_addPanel,
                    &AddContentPanel::pasteText);
    file->addSeparator();
    file->addAction(tr("&Settings…"),
                    standardOr(QKeySequence::Preferences, Qt::CTRL | Qt::Key_Comma), this, [this] {
                        SettingsDialog dialog(m_service.settings, m_service.configFile,
                                              m_appliesSettings, this);
                        if (dialog.exec() != QDialog::Accepted)
                            return;
                        if (!m_appliesSettings) {
                            statusBar()->showMessage(
                                tr("Settings saved; restart Aether Ingest to apply them"),
                                kMessageMs);
                            return;
                        }
                        statusBar()->showMessage(tr("Applying the settings…"));
                        Q_EMIT settingsSaved();
                    });
    file->addSeparator();
    file->addAction(tr("&Quit"), standardOr(QKeySequence::Quit, Qt::CTRL | Qt::Key_Q), this,
                    &QWidget::close);
    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Search"), QKeySequence::Find, this, &MainWindow::showSearch);
    view->addAction(tr("&Refresh jobs"), QKeySequence::Refresh, this, &MainWindow::reconcile);
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Aether Ingest"), this, [this] {
        QMessageBox::about(
            this, tr("About Aether Ingest"),
            tr("<h3>Aether Ingest %1</h3><p>Local knowledge ingestion: text, web pages and "
               "files queued in Redis, extracted, chunked, embedded and stored in a SQLite "
               "vector store you can search.</p><p>REST API: %2 (reference at "
               "/openapi.json)</p>")
                .arg(QStringLiteral(AETHER_VERSION), m_service.api.baseUrl.toString()));
    });
}

void MainWindow::detachFromService()
{
    m_reconcileTimer->stop();
    m_events->stop();
    m_statusPanel->pause();
    statusBar()->showMessage(tr("Applying the settings…"));
}

void MainWindow::attachToService(ServiceInfo service)
{
    // Another Redis or store holds other jobs and documents: what the window
    // shows of the old ones goes, instead of lingering until a full listing.
    const bool otherQueue = service.redis.toUrlString() != m_service.redis.toUrlString();
    const bool otherStore = service.settings.databasePath != m_service.settings.databasePath;
    m_service = std::move(service);
    m_api->setEndpoint(m_service.api);
    m_statusPanel->setService(m_service);
    if (otherQueue)
        m_jobs->removeMissing({}, std::numeric_limits<qint64>::max());
    m_events->start();
    m_reconcileTimer->start(kReconcileMs);
    reconcile();
    if (otherStore)
        m_documentsPanel->refresh();
    m_watchedPanel->refresh();
}

void MainWindow::showStatusMessage(const QString &text)
{
    statusBar()->showMessage(text, kMessageMs);
}

void MainWindow::showSearch()
{
    m_tabs->setCurrentWidget(m_searchPanel);
    m_searchPanel->focusQuery();
}

void MainWindow::reconcile()
{
    if (m_reconciling)
        return;
    m_reconciling = true;
    reconcilePage(QString(), 0, QDateTime::currentMSecsSinceEpoch(),
                  QSharedPointer<QSet<QString>>::create());
}

// Follows next_cursor page by page; only a complete listing may remove rows.
void MainWindow::reconcilePage(const QString &before, int page, qint64 startedMs,
                               QSharedPointer<QSet<QString>> listed)
{
    m_api->listJobs(
        kListPageSize, before, this, [this, page, startedMs, listed](const ApiAnswer &answer) {
            if (!answer.ok()) {
                m_reconciling = false;
                return;
            }
            const QJsonArray jobs = answer.json.value(QStringLiteral("jobs")).toArray();
            m_jobs->applyJobs(jobs, startedMs); // events since then are newer
            QStringList unnamed;
            for (const QJsonValue &job : jobs) {
                const QString id = job.toObject().value(QStringLiteral("id")).toString();
                listed->insert(id);
                unnamed.append(id);
            }
            m_details->request(unnamed); // only those still lacking a name or chunks
            const QJsonValue next = answer.json.value(QStringLiteral("next_cursor"));
            if (!next.isNull() && page + 1 < kMaxListPages) {
                reconcilePage(next.isString() ? next.toString()
                                              : QString::number(qint64(next.toDouble())),
                              page + 1, startedMs, listed);
                return;
            }
            if (next.isNull())
                m_jobs->removeMissing(*listed, startedMs);
            m_reconciling = false;
            Q_EMIT reconciled();
        });
}

void MainWindow::notify(const QString &title, const QString &text)
{
    m_lastNotification = text;
    if (m_tray && QSystemTrayIcon::supportsMessages())
        m_tray->showMessage(title, text, windowIcon(), kMessageMs);
    statusBar()->showMessage(text, kMessageMs);
    Q_EMIT notified(text);
}

void MainWindow::restoreGeometry()
{
    QByteArray geometry;
    if (!m_service.configFile.isEmpty()) {
        const QSettings state(m_service.configFile, QSettings::IniFormat);
        geometry = state.value(QStringLiteral("window/geometry")).toByteArray();
    }
    if (geometry.isEmpty() || !QMainWindow::restoreGeometry(geometry))
        resize(1180, 760);
    keepOnScreen();
}

// A geometry saved on a bigger (or now missing) screen, or the default on a
// small one, must not put the window beyond the screen it opens on. Called
// again once shown: only then are the frame's margins (title bar, borders) known.
void MainWindow::keepOnScreen()
{
    const QScreen *screen = QGuiApplication::screenAt(pos());
    if (!screen)
        screen = QGuiApplication::primaryScreen();
    if (!screen)
        return;
    const QRect available = screen->availableGeometry();
    const QSize margins = frameGeometry().size() - size();
    resize(size().boundedTo(available.size() - margins));
    QRect frame = frameGeometry();
    frame.moveLeft(qBound(available.left(), frame.left(),
                          qMax(available.left(), available.right() - frame.width() + 1)));
    frame.moveTop(qBound(available.top(), frame.top(),
                         qMax(available.top(), available.bottom() - frame.height() + 1)));
    move(frame.topLeft());
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    if (!std::exchange(m_shownOnce, true))
        keepOnScreen();
}

void MainWindow::saveGeometry()
{
    if (m_service.configFile.isEmpty())
        return;
    QSettings state(m_service.configFile, QSettings::IniFormat);
    state.setValue(QStringLiteral("window/geometry"), QMainWindow::saveGeometry());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveGeometry();
    m_reconcileTimer->stop();
    m_events->stop();
    event->accept();
}

} // namespace aether
