#pragma once

#include "ui/apiclient.h"

#include <QHash>
#include <QWidget>

class QComboBox;
class QLineEdit;
class QMenu;
class QTableView;
class QToolButton;

namespace aether {

class JobFilterProxy;
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
    void deleteSelected();
    void showDetails();

Q_SIGNALS:
    void message(const QString &text);

private:
    QWidget *createCountsBar();
    void updateCounts();
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
};

} // namespace aether
