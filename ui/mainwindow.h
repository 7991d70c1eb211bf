#pragma once

#include "ui/serviceinfo.h"

#include <QHash>
#include <QMainWindow>

class QSystemTrayIcon;
class QTabWidget;
class QTimer;

namespace aether {

class AddContentPanel;
class ApiClient;
class BatchTracker;
class DocumentsPanel;
class WatchedFoldersPanel;
class EventStream;
class JobDetailFetcher;
class JobsPanel;
class JobTableModel;
class SearchPanel;
class StatusPanel;

// The desktop window over one running service: adding content, the live job
// table, search, stored documents and the status bar. It talks to the service
// only through its REST API and its Redis events, never blocking the GUI thread.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(ServiceInfo service, QWidget *parent = nullptr);
    ~MainWindow() override;

    ApiClient *api() const { return m_api; }
    JobTableModel *jobs() const { return m_jobs; }
    EventStream *events() const { return m_events; }
    JobsPanel *jobsPanel() const { return m_jobsPanel; }
    AddContentPanel *addPanel() const { return m_addPanel; }
    SearchPanel *searchPanel() const { return m_searchPanel; }
    DocumentsPanel *documentsPanel() const { return m_documentsPanel; }
    WatchedFoldersPanel *watchedFoldersPanel() const { return m_watchedPanel; }
    StatusPanel *statusPanel() const { return m_statusPanel; }
    QTabWidget *tabs() const { return m_tabs; }
    void showSearch();
    // GET /ops/jobs, every page (up to 10,000 jobs); the table follows the answer.
    void reconcile();
    QString lastNotification() const { return m_lastNotification; }
    void showStatusMessage(const QString &text);
    // Whether saved settings are applied at once (the session restarts the
    // service) or only at the next start.
    void setAppliesSettings(bool applies) { m_appliesSettings = applies; }
    // While the service restarts with new settings: the window stays, stops
    // asking the old one, and follows the new one to its address and keys.
    void detachFromService();
    void attachToService(ServiceInfo service);

Q_SIGNALS:
    void reconciled();
    void notified(const QString &text);
    void settingsSaved();

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void createMenus();
    void addFolderOnce();
    void reconcilePage(const QString &before, int page, qint64 startedMs,
                       QSharedPointer<QSet<QString>> listed);
    void notify(const QString &title, const QString &text);
    void saveGeometry();
    void restoreGeometry();
    void keepOnScreen();

    ServiceInfo m_service;
    bool m_shownOnce = false;
    bool m_appliesSettings = false;
    ApiClient *m_api;
    JobTableModel *m_jobs;
    EventStream *m_events;
    JobDetailFetcher *m_details;
    BatchTracker *m_batches;
    QTabWidget *m_tabs;
    AddContentPanel *m_addPanel;
    JobsPanel *m_jobsPanel;
    SearchPanel *m_searchPanel;
    DocumentsPanel *m_documentsPanel;
    WatchedFoldersPanel *m_watchedPanel;
    StatusPanel *m_statusPanel;
    QSystemTrayIcon *m_tray = nullptr;
    QTimer *m_reconcileTimer;
    bool m_reconciling = false;
    QHash<QString, QString> m_localFiles; // uploaded file name -> local path
    QString m_lastNotification;
};

} // namespace aether
