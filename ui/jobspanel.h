#pragma once

#include "ui/apiclient.h"
#include "ui/jobsourceactions.h"
#include "ui/throughputmeter.h"

#include <QHash>
#include <QWidget>
#include <functional>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QTableView;
class QTimer;
class QToolButton;

namespace aether {

class EmptyStateOverlay;
class JobActions;
class JobFilterProxy;
struct JobRecord;
class JobTableModel;

// The live job table with its counts per state (which double as the state
// filter), type and text filters, the drain rate, and the actions on the
// selected jobs.
class JobsPanel : public QWidget
{
    Q_OBJECT

public:
    JobsPanel(ApiClient *api, JobTableModel *jobs, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    JobFilterProxy *proxy() const { return m_proxy; }
    QStringList selectedIds() const;
    void selectJob(const QString &id);

    void copySelectedIds();
    void retrySelected();
    void cancelSelected();
    void deleteSelected(); // asks first
    void showDetails();
    void clearFinished(); // asks first
    void toggleQueuePaused();
    // The queue's state as the status poll last saw it.
    void setQueuePaused(bool paused);

    // Asked before deleting; answers whether to go on. The default shows a
    // question box; tests answer themselves.
    using Confirm = std::function<bool(const QString &question)>;
    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }
    // How "Open source" opens (default QDesktopServices::openUrl) and where
    // the window's uploaded files are (see JobSourceActions).
    void setOpener(JobSourceActions::Opener opener);
    void setLocalFiles(JobSourceActions::LocalFiles localFiles);

    // The actions, enabled by the selected jobs' states (tests and menus).
    QAction *retryAction() const { return m_retry; }
    QAction *cancelAction() const { return m_cancel; }
    QAction *deleteAction() const { return m_delete; }
    QAction *pauseAction() const { return m_pause; }
    QAction *openSourceAction() const { return m_source->openSource(); }
    QAction *copyUrlAction() const { return m_source->copyUrl(); }
    QAction *showDocumentAction() const { return m_source->showDocument(); }
    QMenu *contextMenu() const { return m_menu; }
    // "48 jobs/s · about 2 min left"; empty when idle.
    QString drainText() const;
    // The text over the table while it shows no rows (empty when it has some).
    QString emptyStateText() const;

Q_SIGNALS:
    void message(const QString &text);
    // The queue was paused or resumed from here: the status should be read again.
    void queueChanged();
    // "Show document" on a finished job: the document it stored.
    void showDocumentRequested(qint64 documentId);

private:
    QWidget *createCountsBar();
    void setUpColumns();
    QAction *addAction(const QString &text, void (JobsPanel::*slot)(), QLayout *buttons);
    void updateCounts();
    void updateActions();
    void updateDrain();
    void updateEmptyState();
    void tickCountdowns();
    QStringList selectedWhere(bool (JobRecord::*applies)() const) const;
    void showContextMenu(const QPoint &position);

    ApiClient *m_api;
    JobTableModel *m_jobs;
    JobFilterProxy *m_proxy;
    QTableView *m_table;
    QHash<QString, QToolButton *> m_stateButtons; // "" = all
    QComboBox *m_typeFilter;
    QLineEdit *m_textFilter;
    QLabel *m_drain;
    QMenu *m_menu;
    JobSourceActions *m_source;
    JobActions *m_actions; // what retry, cancel and delete send
    EmptyStateOverlay *m_emptyState;
    QTimer *m_ticker; // each second: the drain rate and retry countdowns
    ThroughputMeter m_throughput;
    QAction *m_copy = nullptr;
    QAction *m_retry = nullptr;
    QAction *m_cancel = nullptr;
    QAction *m_delete = nullptr;
    QAction *m_details = nullptr;
    QAction *m_pause = nullptr;
    bool m_queuePaused = false;
    Confirm m_confirm;
};

} // namespace aether
