#include "ui/jobspanel.h"

#include "ui/apiclient.h"
#include "ui/emptystateoverlay.h"
#include "ui/jobactions.h"
#include "ui/jobdetailsdialog.h"
#include "ui/jobfilterproxy.h"
#include "ui/jobtabledelegate.h"
#include "ui/jobtablemodel.h"
#include "ui/sortarrowstyle.h"

#include <QAction>
#include <QApplication>
#include <QButtonGroup>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace aether {

JobsPanel::JobsPanel(ApiClient *api, JobTableModel *jobs, QWidget *parent)
    : QWidget(parent), m_api(api), m_jobs(jobs), m_proxy(new JobFilterProxy(jobs, this)),
      m_table(new QTableView(this)), m_typeFilter(new QComboBox(this)),
      m_textFilter(new QLineEdit(this)), m_drain(new QLabel(this)), m_menu(new QMenu(this)),
      m_source(new JobSourceActions(
          api, jobs, [this] { return selectedIds(); }, this)),
      m_actions(new JobActions(api, jobs, this)), m_ticker(new QTimer(this))
{
    m_table->setModel(m_proxy);
    m_table->setItemDelegate(new JobTableDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    setUpColumns();
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table, &QTableView::customContextMenuRequested, this, &JobsPanel::showContextMenu);
    connect(m_table, &QTableView::doubleClicked, this, &JobsPanel::showDetails);
    m_emptyState = new EmptyStateOverlay(m_table);

    m_typeFilter->addItem(tr("All types"), QString());
    for (const char *type : {"file", "url", "text", "reindex"})
        m_typeFilter->addItem(QString::fromLatin1(type), QString::fromLatin1(type));
    connect(m_typeFilter, &QComboBox::currentIndexChanged, this, [this] {
        m_proxy->setTypeFilter(m_typeFilter->currentData().toString());
        updateEmptyState();
    });
    m_textFilter->setPlaceholderText(tr("Filter by id, name, source or error"));
    m_textFilter->setClearButtonEnabled(true);
    connect(m_textFilter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setTextFilter(text);
        updateEmptyState();
    });
    m_drain->setObjectName(QStringLiteral("drainRate"));
    m_drain->setToolTip(tr("Jobs ended in the last 10 seconds, and when the queue will be empty "
                           "at that rate"));
    m_drain->hide();

    m_confirm = [this](const QString &question) {
        return QMessageBox::question(this, tr("Aether Ingest"), question) == QMessageBox::Yes;
    };
    auto *actions = new QHBoxLayout;
    m_copy = addAction(tr("Copy id"), &JobsPanel::copySelectedIds, actions);
    m_retry = addAction(tr("Retry"), &JobsPanel::retrySelected, actions);
    m_cancel = addAction(tr("Cancel"), &JobsPanel::cancelSelected, actions);
    m_delete = addAction(tr("Delete"), &JobsPanel::deleteSelected, actions);
    m_details = addAction(tr("Details"), &JobsPanel::showDetails, actions);
    m_menu->addSeparator();
    m_menu->addAction(m_source->openSource());
    m_menu->addAction(m_source->copyUrl());
    m_menu->addAction(m_source->showDocument());
    connect(m_source, &JobSourceActions::message, this, &JobsPanel::message);
    connect(m_actions, &JobActions::message, this, &JobsPanel::message);
    connect(m_source, &JobSourceActions::showDocumentRequested, this,
            &JobsPanel::showDocumentRequested);
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
    filters->addWidget(m_drain);
    filters->addWidget(m_typeFilter);
    filters->addWidget(m_textFilter);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filters);
    layout->addWidget(m_table, 1);
    layout->addLayout(actions);
    connect(m_jobs, &JobTableModel::countsChanged, this, &JobsPanel::updateCounts);
    connect(m_jobs, &JobTableModel::jobsEndedWhileWatched, this, [this](int count) {
        m_throughput.addEnded(count, QDateTime::currentMSecsSinceEpoch());
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &JobsPanel::updateActions);
    connect(m_jobs, &QAbstractItemModel::dataChanged, this, &JobsPanel::updateActions);
    connect(m_jobs, &QAbstractItemModel::rowsRemoved, this, &JobsPanel::updateActions);
    connect(m_ticker, &QTimer::timeout, this, [this] {
        updateDrain();
        tickCountdowns();
    });
    m_ticker->setInterval(1000);
    updateCounts();
    updateActions();
}

void JobsPanel::setUpColumns()
{
    m_table->verticalHeader()->hide();
    // Fixed row heights: measuring 10,000 rows would cost more than drawing them.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 10);
    QHeaderView *header = m_table->horizontalHeader();
    // The name takes the width left; the error (often a long traceback line)
    // keeps a bounded one, elided, whole in its tooltip and in Details.
    const int widths[JobTableModel::ColumnCount] = {80, 44, 260, 90, 96, 170, 60, 80, 80, 240};
    for (int column = 0; column < JobTableModel::ColumnCount; ++column)
        m_table->setColumnWidth(column, widths[column]);
    header->setStretchLastSection(false);
    header->setSectionResizeMode(JobTableModel::NameColumn, QHeaderView::Stretch);
    SortArrowStyle::install(header);
    header->setSortIndicatorShown(true);
    // Newest first. The header's indicator is set first: enabling sorting
    // sorts by whatever the indicator says.
    header->setSortIndicator(JobTableModel::EnqueuedColumn, Qt::DescendingOrder);
    m_table->setSortingEnabled(true);
}

void JobsPanel::setOpener(JobSourceActions::Opener opener)
{
    m_source->setOpener(std::move(opener));
}

void JobsPanel::setLocalFiles(JobSourceActions::LocalFiles localFiles)
{
    m_source->setLocalFiles(std::move(localFiles));
    m_source->update();
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
    m_source->update();
}

void JobsPanel::setQueuePaused(bool paused)
{
    m_queuePaused = paused;
    m_pause->setText(paused ? tr("Resume queue") : tr("Pause queue"));
    m_pause->setToolTip(paused ? tr("Workers take jobs again")
                               : tr("Workers finish what they run and take no new jobs until "
                                    "resumed"));
    updateDrain();
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
    m_actions->removeEveryJobOf(QStringLiteral("finished"),
                                m_jobs->countsByState().value(QStringLiteral("finished")));
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
    // The ticker runs only while something drains or waits for a retry.
    const bool busy = counts.value(QStringLiteral("queued")) +
                          counts.value(QStringLiteral("started")) +
                          counts.value(QStringLiteral("scheduled")) >
                      0;
    if (busy && !m_ticker->isActive())
        m_ticker->start();
    else if (!busy)
        m_ticker->stop();
    updateDrain();
    updateEmptyState();
}

QString JobsPanel::drainText() const
{
    return m_drain->text();
}

void JobsPanel::updateDrain()
{
    const QHash<QString, int> counts = m_jobs->countsByState();
    const int waiting =
        counts.value(QStringLiteral("queued")) + counts.value(QStringLiteral("started"));
    const QString text =
        m_throughput.text(waiting, m_queuePaused, QDateTime::currentMSecsSinceEpoch());
    m_drain->setText(text);
    m_drain->setVisible(!text.isEmpty());
}

// Scheduled jobs' "retry in 12 s" counts down where it can be seen.
void JobsPanel::tickCountdowns()
{
    if (!m_table->isVisible() || m_jobs->countsByState().value(QStringLiteral("scheduled")) == 0)
        return;
    const int first = m_table->rowAt(0);
    if (first < 0)
        return;
    int last = m_table->rowAt(m_table->viewport()->height() - 1);
    if (last < 0)
        last = m_proxy->rowCount() - 1;
    for (int row = first; row <= last; ++row) {
        const QModelIndex error = m_proxy->index(row, JobTableModel::ErrorColumn);
        if (error.data(JobTableModel::StatusRole).toString() == QLatin1String("scheduled"))
            m_table->update(error);
    }
}

QString JobsPanel::emptyStateText() const
{
    return m_proxy->rowCount() == 0 ? m_emptyState->text() : QString();
}

void JobsPanel::updateEmptyState()
{
    if (m_jobs->rowCount() == 0) {
        m_emptyState->setMessage(
            tr("No jobs yet.\nDrop files, folders or URLs on the area above, or call the "
               "API:\n\n%1")
                .arg(m_api->ingestTextCommand()));
    } else {
        m_emptyState->setMessage(tr("No jobs match the filter."));
    }
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

void JobsPanel::retrySelected()
{
    if (const QStringList ids = selectedWhere(&JobRecord::canRetry); !ids.isEmpty())
        m_actions->retry(ids);
}

void JobsPanel::cancelSelected()
{
    if (const QStringList ids = selectedWhere(&JobRecord::canCancel); !ids.isEmpty())
        m_actions->cancel(ids);
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
    if (m_confirm(question))
        m_actions->remove(ids);
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
    if (selectedIds().isEmpty())
        return;
    updateActions();
    m_menu->popup(m_table->viewport()->mapToGlobal(position));
}

} // namespace aether
