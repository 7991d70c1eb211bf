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

    const auto addAction = [this](const QString &text, void (JobsPanel::*slot)(),
                                  QLayout *buttons) {
        auto *action = new QAction(text, this);
        connect(action, &QAction::triggered, this, slot);
        m_menu->addAction(action);
        auto *button = new QPushButton(text, this);
        button->setObjectName(text.toLower().remove(QLatin1Char(' ')) + QStringLiteral("Button"));
        connect(button, &QPushButton::clicked, this, slot);
        buttons->addWidget(button);
    };
    auto *actions = new QHBoxLayout;
    addAction(tr("Copy id"), &JobsPanel::copySelectedIds, actions);
    addAction(tr("Retry"), &JobsPanel::retrySelected, actions);
    addAction(tr("Cancel"), &JobsPanel::cancelSelected, actions);
    addAction(tr("Delete"), &JobsPanel::deleteSelected, actions);
    addAction(tr("Details"), &JobsPanel::showDetails, actions);
    actions->addStretch(1);

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
    updateCounts();
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
    Q_EMIT message(tr("Copied %1 job id(s)").arg(ids.size()));
}

// The action on every selected job; the table follows by events.
void JobsPanel::act(ApiClient::JobAction action, const QString &done)
{
    for (const QString &id : selectedIds()) {
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
    for (const QString &id : selectedIds()) {
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
