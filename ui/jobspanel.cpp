#include "ui/jobspanel.h"

#include "ui/apiclient.h"
#include "ui/jobdetailsdialog.h"
#include "ui/jobfilterproxy.h"
#include "ui/jobtabledelegate.h"
#include "ui/jobtablemodel.h"

#include <QAction>
#include <QApplication>
#include <QButtonGroup>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace aether {

JobsPanel::JobsPanel(ApiClient *api, JobTableModel *jobs, QWidget *parent)
    : QWidget(parent), m_api(api), m_jobs(jobs), m_proxy(new JobFilterProxy(jobs, this)),
      m_table(new QTableView(this)), m_typeFilter(new QComboBox(this)),
      m_textFilter(new QLineEdit(this)), m_menu(new QMenu(this))
{
    m_table->setModel(m_proxy);
    m_table->setItemDelegate(new JobTableDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(JobTableModel::EnqueuedColumn, Qt::DescendingOrder);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    // Fixed row heights: measuring 10,000 rows would cost more than drawing them.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 10);
    QHeaderView *header = m_table->horizontalHeader();
    header->setStretchLastSection(true);
    const int widths[] = {80, 44, 260, 90, 96, 170, 60, 80, 80};
    for (int column = 0; column < int(std::size(widths)); ++column)
        m_table->setColumnWidth(column, widths[column]);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table, &QTableView::customContextMenuRequested, this, &JobsPanel::showContextMenu);
    connect(m_table, &QTableView::doubleClicked, this, &JobsPanel::showDetails);

    m_typeFilter->addItem(tr("All types"), QString());
    for (const char *type : {"file", "url", "text", "reindex"})
        m_typeFilter->addItem(QString::fromLatin1(type), QString::fromLatin1(type));
    connect(m_typeFilter, &QComboBox::currentIndexChanged, this,
            [this] { m_proxy->setTypeFilter(m_typeFilter->currentData().toString()); });
    m_textFilter->setPlaceholderText(tr("Filter by id, name, source or error"));
    m_textFilter->setClearButtonEnabled(true);
    connect(m_textFilter, &QLineEdit::textChanged, m_proxy, &JobFilterProxy::setTextFilter);

    m_confirm = [this](const QString &question) {
        return QMessageBox::question(this, tr("Aether Ingest"), question) == QMessageBox::Yes;
    };
    auto *actions = new QHBoxLayout;
    m_copy = addAction(tr("Copy id"), &JobsPanel::copySelectedIds, actions);
    m_retry = addAction(tr("Retry"), &JobsPanel::retrySelected, actions);
    m_cancel = addAction(tr("Cancel"), &JobsPanel::cancelSelected, actions);
    m_delete = addAction(tr("Delete"), &JobsPanel::deleteSelected, actions);
    m_details = addAction(tr("Details"), &JobsPanel::showDetails, actions);
    // The Delete key, wherever the focus is in the panel.
    m_delete->setShortcut(QKeySequence::Delete);
    m_delete->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    QWidget::addAction(m_delete);
    actions->addStretch(1);
    auto *clear = new QPushButton(tr("Clear finished"), this);
    clear->setObjectName(QStringLiteral("clearFinishedButton"));
    clear->setToolTip(tr("Delete every finished job from the queue's records"));
    connect(clear, &QPushButton::clicked, this, &JobsPanel::clearFinished);
    actions->addWidget(clear);
    m_pause = new QAction(tr("Pause queue"), this);
    m_pause->setToolTip(tr("Workers finish what they run and take no new jobs until resumed"));
    connect(m_pause, &QAction::triggered, this, &JobsPanel::toggleQueuePaused);
    auto *pause = new QPushButton(this);
    pause->setObjectName(QStringLiteral("pauseQueueButton"));
    const auto followPause = [pause, this] {
        pause->setText(m_pause->text());
        pause->setToolTip(m_pause->toolTip());
    };
    connect(m_pause, &QAction::changed, pause, followPause);
    followPause();
    connect(pause, &QPushButton::clicked, m_pause, &QAction::trigger);
    actions->addWidget(pause);

    auto *filters = new QHBoxLayout;
    filters->addWidget(createCountsBar(), 1);
    filters->addWidget(m_typeFilter);
    filters->addWidget(m_textFilter);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filters);
    layout->addWidget(m_table, 1);
    layout->addLayout(actions);
    connect(m_jobs, &JobTableModel::countsChanged, this, &JobsPanel::updateCounts);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &JobsPanel::updateActions);
    connect(m_jobs, &QAbstractItemModel::dataChanged, this, &JobsPanel::updateActions);
    connect(m_jobs, &QAbstractItemModel::rowsRemoved, this, &JobsPanel::updateActions);
    updateCounts();
    updateActions();
}

// A menu entry and a button for one action on the selected jobs.
QAction *JobsPanel::addAction(const QString &text, void (JobsPanel::*slot)(), QLayout *buttons)
{
    auto *action = new QAction(text, this);
    connect(action, &QAction::triggered, this, slot);
    m_menu->addAction(action);
    auto *button = new QPushButton(text, this);
    button->setObjectName(text.toLower().remove(QLatin1Char(' ')) + QStringLiteral("Button"));
    connect(button, &QPushButton::clicked, action, &QAction::trigger);
    connect(action, &QAction::changed, button,
            [button, action] { button->setEnabled(action->isEnabled()); });
    buttons->addWidget(button);
    return action;
}

// The selected jobs an action applies to (JobRecord::canRetry, ...).
QStringList JobsPanel::selectedWhere(bool (JobRecord::*applies)() const) const
{
    QStringList ids;
    for (const QString &id : selectedIds()) {
        const JobRecord *job = m_jobs->find(id);
        if (job && (job->*applies)())
            ids.append(id);
    }
    return ids;
}

// Each action is offered only where it can do something.
void JobsPanel::updateActions()
{
    const qsizetype selected = selectedIds().size();
    m_copy->setEnabled(selected > 0);
    m_retry->setEnabled(!selectedWhere(&JobRecord::canRetry).isEmpty());
    m_cancel->setEnabled(!selectedWhere(&JobRecord::canCancel).isEmpty());
    m_delete->setEnabled(!selectedWhere(&JobRecord::canDelete).isEmpty());
    m_details->setEnabled(selected == 1);
}

void JobsPanel::setQueuePaused(bool paused)
{
    m_queuePaused = paused;
    m_pause->setText(paused ? tr("Resume queue") : tr("Pause queue"));
    m_pause->setToolTip(paused ? tr("Workers take jobs again")
                               : tr("Workers finish what they run and take no new jobs until "
                                    "resumed"));
}

void JobsPanel::toggleQueuePaused()
{
    const bool pause = !m_queuePaused;
    m_api->setQueuePaused(pause, this, [this, pause](const ApiAnswer &answer) {
        if (answer.ok())
            setQueuePaused(pause);
        Q_EMIT message(answer.ok() ? (pause ? tr("Queue paused") : tr("Queue resumed"))
                                   : tr("Queue: %1").arg(answer.error));
        Q_EMIT queueChanged();
    });
}

void JobsPanel::clearFinished()
{
    if (!m_confirm(tr("Delete every finished job? Their documents stay in the store.")))
        return;
    m_api->deleteEndedJobs(QStringLiteral("finished"), this, [this](const ApiAnswer &answer) {
        if (!answer.ok()) {
            Q_EMIT message(tr("Clear finished: %1").arg(answer.error));
            return;
        }
        const int deleted = answer.json.value(QStringLiteral("deleted")).toInt();
        for (int row = m_jobs->rowCount() - 1; row >= 0; --row) {
            if (m_jobs->record(row).status == QLatin1String("finished"))
                m_jobs->removeJob(QString(m_jobs->record(row).id));
        }
        Q_EMIT message(deleted == 1 ? tr("1 finished job deleted")
                                    : tr("%1 finished jobs deleted").arg(deleted));
    });
}

QWidget *JobsPanel::createCountsBar()
{
    auto *bar = new QWidget(this);
    auto *layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *group = new QButtonGroup(bar);
    QStringList states{QString()};
    states += jobStates();
    for (const QString &state : std::as_const(states)) {
        auto *button = new QToolButton(bar);
        button->setCheckable(true);
        button->setAutoRaise(true);
        button->setObjectName(QStringLiteral("count_") +
                              (state.isEmpty() ? QStringLiteral("all") : state));
        if (!state.isEmpty()) {
            button->setStyleSheet(QStringLiteral("QToolButton { color: %1; font-weight: bold; }")
                                      .arg(jobStateColor(state).name()));
        }
        group->addButton(button);
        connect(button, &QToolButton::clicked, this,
                [this, state] { m_proxy->setStateFilter(state); });
        layout->addWidget(button);
        m_stateButtons.insert(state, button);
    }
    m_stateButtons.value(QString())->setChecked(true);
    layout->addStretch(1);
    return bar;
}

void JobsPanel::updateCounts()
{
    const QHash<QString, int> counts = m_jobs->countsByState();
    m_stateButtons.value(QString())->setText(tr("All %1").arg(m_jobs->rowCount()));
    for (const QString &state : jobStates())
        m_stateButtons.value(state)->setText(
            QStringLiteral("%1 %2").arg(jobStateTitle(state)).arg(counts.value(state)));
}

QStringList JobsPanel::selectedIds() const
{
    QStringList ids;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    for (const QModelIndex &row : rows)
        ids.append(row.data(JobTableModel::IdRole).toString());
    return ids;
}

void JobsPanel::selectJob(const QString &id)
{
    const int sourceRow = m_jobs->rowOf(id);
    if (sourceRow < 0)
        return;
    const QModelIndex index = m_proxy->mapFromSource(m_jobs->index(sourceRow, 0));
    m_table->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect |
                                                 QItemSelectionModel::Rows);
    m_table->scrollTo(index);
}

void JobsPanel::copySelectedIds()
{
    const QStringList ids = selectedIds();
    if (ids.isEmpty())
        return;
    QApplication::clipboard()->setText(ids.join(QLatin1Char('\n')));
    Q_EMIT message(ids.size() == 1 ? tr("Copied 1 job id")
                                   : tr("Copied %1 job ids").arg(ids.size()));
}

// The action on every selected job; the table follows by events.
void JobsPanel::act(ApiClient::JobAction action, const QString &done)
{
    const QStringList ids = selectedWhere(
        action == ApiClient::JobAction::Retry ? &JobRecord::canRetry : &JobRecord::canCancel);
    for (const QString &id : ids) {
        m_api->actOnJob(id, action, this, [this, id, done](const ApiAnswer &answer) {
            Q_EMIT message(answer.ok() ? done.arg(id.left(8))
                                       : tr("Job %1: %2").arg(id.left(8), answer.error));
        });
    }
}

void JobsPanel::retrySelected()
{
    act(ApiClient::JobAction::Retry, tr("Job %1 queued again"));
}

void JobsPanel::cancelSelected()
{
    act(ApiClient::JobAction::Cancel, tr("Job %1: cancel requested"));
}

void JobsPanel::deleteSelected()
{
    const QStringList ids = selectedWhere(&JobRecord::canDelete);
    if (ids.isEmpty())
        return;
    const QString question =
        ids.size() == 1
            ? tr("Delete job %1? Its document stays in the store.").arg(ids.first().left(8))
            : tr("Delete these %1 jobs? Their documents stay in the store.").arg(ids.size());
    if (!m_confirm(question))
        return;
    for (const QString &id : std::as_const(ids)) {
        m_api->deleteJob(id, this, [this, id](const ApiAnswer &answer) {
            if (answer.ok())
                m_jobs->removeJob(id);
            Q_EMIT message(answer.ok() ? tr("Job %1 deleted").arg(id.left(8))
                                       : tr("Job %1: %2").arg(id.left(8), answer.error));
        });
    }
}

void JobsPanel::showDetails()
{
    const QStringList ids = selectedIds();
    if (ids.isEmpty())
        return;
    auto *dialog = new JobDetailsDialog(m_api, ids.first(), this);
    dialog->show();
}

void JobsPanel::showContextMenu(const QPoint &position)
{
    if (!selectedIds().isEmpty())
        m_menu->popup(m_table->viewport()->mapToGlobal(position));
}

} // namespace aether
