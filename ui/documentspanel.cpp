#include "ui/documentspanel.h"

#include "ui/apiclient.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace aether {

namespace {

constexpr int kIdRole = Qt::UserRole + 1;
// A page is asked for once fewer rows than this are left below the view.
constexpr int kRowsAhead = 100;

QString documentName(const QJsonObject &document)
{
    for (const char *key : {"title", "filename", "url"}) {
        const QString name = document.value(QLatin1String(key)).toString();
        if (!name.isEmpty())
            return name;
    }
    return QObject::tr("(untitled text)");
}

} // namespace

DocumentsPanel::DocumentsPanel(ApiClient *api, QWidget *parent)
    : QWidget(parent), m_api(api), m_documents(new QTreeWidget(this)),
      m_filter(new QLineEdit(this)), m_status(new QLabel(this))
{
    m_documents->setHeaderLabels(
        {tr("Type"), tr("Title or name"), tr("Source"), tr("Chunks"), tr("Added (UTC)")});
    m_documents->setRootIsDecorated(false);
    m_documents->setAlternatingRowColors(true);
    m_documents->setUniformRowHeights(true);
    m_documents->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_documents->setSortingEnabled(true);
    m_documents->setColumnWidth(0, 70);
    m_documents->setColumnWidth(1, 360);
    connect(m_documents->verticalScrollBar(), &QScrollBar::valueChanged, this,
            &DocumentsPanel::loadMoreIfNearTheEnd);
    connect(m_documents->verticalScrollBar(), &QScrollBar::rangeChanged, this,
            &DocumentsPanel::loadMoreIfNearTheEnd);
    m_filter->setPlaceholderText(tr("Filter by title, source or type"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, this, &DocumentsPanel::applyFilterToAll);
    auto *refresh = new QPushButton(tr("Refresh"), this);
    connect(refresh, &QPushButton::clicked, this, &DocumentsPanel::refresh);
    auto *remove = new QPushButton(tr("Delete"), this);
    connect(remove, &QPushButton::clicked, this, &DocumentsPanel::deleteSelected);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(refresh);
    buttons->addWidget(remove);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_filter);
    layout->addWidget(m_documents, 1);
    layout->addLayout(buttons);
}

int DocumentsPanel::loadedCount() const
{
    return m_documents->topLevelItemCount();
}

void DocumentsPanel::refresh()
{
    ++m_generation;
    m_loading = false;
    m_documents->clear();
    m_total = 0;
    loadMore();
}

void DocumentsPanel::loadMore()
{
    const int offset = loadedCount();
    if (m_loading || (offset > 0 && offset >= m_total))
        return;
    m_loading = true;
    const int generation = m_generation;
    m_api->listDocuments(kPageSize, offset, this, [this, generation](const ApiAnswer &answer) {
        if (generation != m_generation)
            return; // a refresh started over meanwhile
        m_loading = false;
        if (!answer.ok()) {
            m_status->setText(tr("Could not list documents: %1").arg(answer.error));
            return;
        }
        m_total = answer.json.value(QStringLiteral("total")).toInteger();
        addDocuments(answer.json.value(QStringLiteral("documents")).toArray());
        showStatus(); // the scroll bar's new range asks for more if the page fits the view
    });
}

void DocumentsPanel::addDocuments(const QJsonArray &documents)
{
    m_documents->setSortingEnabled(false); // sorted once, after the page is in
    for (const QJsonValue &value : documents) {
        const QJsonObject document = value.toObject();
        auto *item = new QTreeWidgetItem(m_documents);
        item->setText(0, document.value(QStringLiteral("type")).toString());
        item->setText(1, documentName(document));
        item->setText(2, document.value(QStringLiteral("source")).toString());
        item->setData(3, Qt::DisplayRole, document.value(QStringLiteral("chunks")).toInt());
        item->setText(4, document.value(QStringLiteral("created_at")).toString());
        item->setData(0, kIdRole, document.value(QStringLiteral("document_id")).toVariant());
        applyFilter(item);
    }
    m_documents->setSortingEnabled(true);
}

void DocumentsPanel::applyFilter(QTreeWidgetItem *item) const
{
    const QString text = m_filter->text().trimmed();
    bool shown = text.isEmpty();
    for (int column = 0; column < 3 && !shown; ++column)
        shown = item->text(column).contains(text, Qt::CaseInsensitive);
    item->setHidden(!shown);
}

void DocumentsPanel::applyFilterToAll()
{
    for (int row = 0; row < m_documents->topLevelItemCount(); ++row)
        applyFilter(m_documents->topLevelItem(row));
    showStatus();
}

void DocumentsPanel::showStatus()
{
    const int loaded = loadedCount();
    QString text = m_total == 1 ? tr("1 document stored") : tr("%1 documents stored").arg(m_total);
    if (loaded < m_total)
        text += tr("; %1 listed, more as you scroll").arg(loaded);
    if (!m_filter->text().trimmed().isEmpty()) {
        int shown = 0;
        for (int row = 0; row < loaded; ++row)
            shown += m_documents->topLevelItem(row)->isHidden() ? 0 : 1;
        text += tr("; %1 of the listed match the filter").arg(shown);
    }
    m_status->setText(text);
}

void DocumentsPanel::loadMoreIfNearTheEnd()
{
    const QScrollBar *bar = m_documents->verticalScrollBar();
    const int rowHeight = qMax(1, m_documents->sizeHintForRow(0));
    if (bar->maximum() - bar->value() < kRowsAhead * rowHeight)
        loadMore();
}

void DocumentsPanel::deleteSelected()
{
    const QList<QTreeWidgetItem *> selected = m_documents->selectedItems();
    if (selected.isEmpty())
        return;
    const QString question =
        selected.size() == 1
            ? tr("Delete \"%1\" and its chunks from the store?").arg(selected.first()->text(1))
            : tr("Delete these %1 documents and their chunks from the store?").arg(selected.size());
    if (QMessageBox::question(this, tr("Delete documents"), question) != QMessageBox::Yes)
        return;
    for (QTreeWidgetItem *item : selected) {
        const QString id = item->data(0, kIdRole).toString();
        m_api->deleteDocument(id, this, [this](const ApiAnswer &answer) {
            if (!answer.ok())
                m_status->setText(tr("Delete failed: %1").arg(answer.error));
            refresh();
        });
    }
}

} // namespace aether
