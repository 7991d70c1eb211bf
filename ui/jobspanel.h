#pragma once

#include "ui/apiclient.h"

#include <QHash>
#include <QWidget>
#include <functional>

class QAction;
class QComboBox;
class QLineEdit;
class QMenu;
class QTableView;
class QToolButton;

namespace aether {

class JobFilterProxy;
struct JobRecord;
class JobTableModel;

// The live job table with its counts per state (which double as the state
// filter), type and text filters, and the actions on the selected jobs.
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

    // The actions, enabled by the selected jobs' states (tests and menus).
    QAction *retryAction() const { return m_retry; }
    QAction *cancelAction() const { return m_cancel; }
    QAction *deleteAction() const { return m_delete; }
    QAction *pauseAction() const { return m_pause; }

Q_SIGNALS:
    void message(const QString &text);
    // The queue was paused or resumed from here: the status should be read again.
    void queueChanged();

private:
    QWidget *createCountsBar();
    QAction *addAction(const QString &text, void (JobsPanel::*slot)(), QLayout *buttons);
    void updateCounts();
    void updateActions();
    QStringList selectedWhere(bool (JobRecord::*applies)() const) const;
    void act(ApiClient::JobAction action, const QString &done);
    void showContextMenu(const QPoint &position);

    ApiClient *m_api;
    JobTableModel *m_jobs;
    JobFilterProxy *m_proxy;
    QTableView *m_table;
    QHash<QString, QToolButton *> m_stateButtons; // "" = all
    QComboBox *m_typeFilter;
    QLineEdit *m_textFilter;
    QMenu *m_menu;
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
