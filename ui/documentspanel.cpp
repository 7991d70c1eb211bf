#include "ui/documentspanel.h"

#include "ui/apiclient.h"
#include "ui/bulkrequests.h"
#include "ui/documentpages.h"
#include "ui/documentpreview.h"
#include "ui/sortarrowstyle.h"
#include "ui/sourcelist.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStackedWidget>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <memory>

namespace aether {

namespace {

constexpr int kIdRole = Qt::UserRole + 1;
constexpr int kDocumentRole = Qt::UserRole + 2;
constexpr int kAddedColumn = 4;
// A page is asked for once fewer rows than this are left below the view.
constexpr int kRowsAhead = 100;

QString field(const QJsonObject &document, const char *key)
{
    return document.value(QLatin1String(key)).toString();
}

qint64 idOf(const QJsonObject &document)
{
    return document.value(QStringLiteral("document_id")).toInteger();
}

QJsonObject documentOf(const QTreeWidgetItem *item)
{
    return item->data(0, kDocumentRole).toJsonObject();
}

bool askFirst(QWidget *parent, const QString &question)
{
    return QMessageBox::question(parent, DocumentsPanel::tr("Delete documents"), question) ==
           QMessageBox::Yes;
}

QString asciiLower(QString text)
{
    for (QChar &c : text) {
        if (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
            c = QChar(c.unicode() + ('a' - 'A'));
    }
    return text;
}

} // namespace

DocumentsPanel::DocumentsPanel(ApiClient *api, QWidget *parent)
    : QWidget(parent), m_api(api), m_sources(new SourceList(api, this)),
      m_filter(new QLineEdit(this)), m_documents(new QTreeWidget(this)), m_empty(new QLabel(this)),
      m_listArea(new QStackedWidget(this)), m_preview(new DocumentPreview(api, this)),
      m_split(new QSplitter(Qt::Vertical, this)), m_status(new QLabel(this)),
      m_filterDelay(new QTimer(this)),
      m_confirm([this](const QString &question) { return askFirst(this, question); }),
      m_pages(new DocumentPages(api, kPageSize, this))
{
    connect(m_pages, &DocumentPages::started, this, &DocumentsPanel::listingStarted);
    connect(m_pages, &DocumentPages::arrived, this, &DocumentsPanel::listPage);
    connect(m_pages, &DocumentPages::failed, this, [this](const QString &error) {
        m_status->setText(tr("Could not list documents: %1").arg(error));
    });
    m_documents->setHeaderLabels(
        {tr("Type"), tr("Title or name"), tr("Source"), tr("Chunks"), tr("Added (UTC)")});
    m_documents->setRootIsDecorated(false);
    m_documents->setAlternatingRowColors(true);
    m_documents->setUniformRowHeights(true);
    m_documents->setSelectionMode(QAbstractItemView::ExtendedSelection);
    SortArrowStyle::install(m_documents->header());
    m_documents->setSortingEnabled(true);
    m_documents->sortByColumn(kAddedColumn, Qt::DescendingOrder); // newest first, as listed
    m_documents->setColumnWidth(0, 70);
    m_documents->setColumnWidth(1, 360);
    connect(m_documents->verticalScrollBar(), &QScrollBar::valueChanged, this,
            &DocumentsPanel::loadMoreIfNearTheEnd);
    connect(m_documents->verticalScrollBar(), &QScrollBar::rangeChanged, this,
            &DocumentsPanel::loadMoreIfNearTheEnd);
    connect(m_documents, &QTreeWidget::currentItemChanged, this, &DocumentsPanel::previewCurrent);
    connect(m_documents, &QTreeWidget::itemDoubleClicked, this, &DocumentsPanel::revealPreview);

    auto *open = new QAction(tr("Open source"), m_documents);
    connect(open, &QAction::triggered, m_preview, &DocumentPreview::openSource);
    auto *remove = new QAction(tr("Delete…"), m_documents);
    remove->setShortcut(QKeySequence::Delete);
    remove->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(remove, &QAction::triggered, this, &DocumentsPanel::deleteSelected);
    m_documents->addActions({open, remove});
    m_documents->setContextMenuPolicy(Qt::ActionsContextMenu);

    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setMargin(24);
    m_listArea->addWidget(m_documents);
    m_listArea->addWidget(m_empty);
    m_split->addWidget(m_listArea);
    m_split->addWidget(m_preview);
    m_split->setStretchFactor(0, 3);
    m_split->setStretchFactor(1, 2);

    m_filter->setPlaceholderText(tr("Filter by title, source, type, file name or URL"));
    m_filter->setClearButtonEnabled(true);
    m_filterDelay->setSingleShot(true);
    m_filterDelay->setInterval(kFilterDelayMs);
    connect(m_filter, &QLineEdit::textChanged, this, &DocumentsPanel::applyFilterAtOnce);
    connect(m_filterDelay, &QTimer::timeout, this, &DocumentsPanel::filterOnTheService);
    connect(m_sources, &SourceList::sourceChosen, this, &DocumentsPanel::chooseSource);

    auto *refreshButton = new QPushButton(tr("Refresh"), this);
    connect(refreshButton, &QPushButton::clicked, this, &DocumentsPanel::refresh);
    auto *deleteButton = new QPushButton(tr("Delete…"), this);
    connect(deleteButton, &QPushButton::clicked, this, &DocumentsPanel::deleteSelected);
    m_status->setWordWrap(true);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(refreshButton);
    buttons->addWidget(deleteButton);
    auto *listing = new QWidget(this);
    auto *listingLayout = new QVBoxLayout(listing);
    listingLayout->setContentsMargins(0, 0, 0, 0);
    listingLayout->addWidget(m_filter);
    listingLayout->addWidget(m_split, 1);
    listingLayout->addLayout(buttons);
    auto *sidebar = new QSplitter(Qt::Horizontal, this);
    sidebar->addWidget(m_sources);
    sidebar->addWidget(listing);
    sidebar->setStretchFactor(1, 1);
    sidebar->setSizes({180, 620});
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(sidebar);
}

void DocumentsPanel::setLocalFileLookup(LocalFileLookup lookup)
{
    m_preview->setLocalFileLookup(std::move(lookup));
}

int DocumentsPanel::loadedCount() const
{
    return m_documents->topLevelItemCount();
}

int DocumentsPanel::rowOf(qint64 documentId) const
{
    for (int row = 0; row < m_documents->topLevelItemCount(); ++row) {
        if (m_documents->topLevelItem(row)->data(0, kIdRole).toLongLong() == documentId)
            return row;
    }
    return -1;
}

qint64 DocumentsPanel::totalCount() const
{
    return m_pages->total();
}

bool DocumentsPanel::isLoading() const
{
    return m_pages->isLoading();
}

void DocumentsPanel::refresh()
{
    m_problem.clear();
    m_sources->refresh();
    relist(m_pages->query(), m_pages->source());
}

void DocumentsPanel::relist(const QString &query, const QString &source)
{
    m_documents->clear();
    m_pages->restart(query, source);
}

void DocumentsPanel::loadMore()
{
    m_pages->next();
}

void DocumentsPanel::listPage(const QList<QJsonObject> &documents, bool first)
{
    m_documents->setSortingEnabled(false); // sorted once, after the page is in
    for (const QJsonObject &document : documents)
        addDocument(document);
    if (first && !m_pages->isFiltered() && !m_shown.isEmpty() && rowOf(idOf(m_shown)) < 0)
        addDocument(m_shown);
    m_documents->setSortingEnabled(true);
    selectShownDocument();
    showStatus();
    showEmptyState();
    Q_EMIT pageListed();
}

QTreeWidgetItem *DocumentsPanel::addDocument(const QJsonObject &document)
{
    auto *item = new QTreeWidgetItem(m_documents);
    item->setText(0, field(document, "type"));
    item->setText(1, documentName(document));
    item->setText(2, field(document, "source"));
    item->setData(3, Qt::DisplayRole, document.value(QStringLiteral("chunks")).toInt());
    item->setText(kAddedColumn, field(document, "created_at"));
    item->setData(0, kIdRole, idOf(document));
    item->setData(0, kDocumentRole, document);
    const QString own = documentOwnMetadata(document);
    item->setToolTip(1, own.isEmpty() ? documentMetadataLine(document)
                                      : documentMetadataLine(document) + QLatin1Char('\n') + own);
    m_pages->noteListed(idOf(document));
    applyFilterTo(item);
    return item;
}

// What is listed is filtered as the user types; the service is asked again
// once typing pauses (filterOnTheService), as most documents are not listed yet.
void DocumentsPanel::applyFilterAtOnce()
{
    for (int row = 0; row < m_documents->topLevelItemCount(); ++row)
        applyFilterTo(m_documents->topLevelItem(row));
    m_filterDelay->start();
    showStatus();
}

// As the service matches (SQLite's LIKE folds ASCII letters only), so rows
// shown at once are the ones the service's answer keeps.
void DocumentsPanel::applyFilterTo(QTreeWidgetItem *item) const
{
    const QString text = asciiLower(m_filter->text().trimmed());
    const QJsonObject document = documentOf(item);
    bool shown = text.isEmpty();
    for (const char *key : {"title", "source", "type", "filename", "url"})
        shown = shown || asciiLower(field(document, key)).contains(text);
    item->setHidden(!shown);
}

void DocumentsPanel::filterOnTheService()
{
    const QString text = m_filter->text().trimmed();
    if (text != m_pages->query())
        relist(text, m_pages->source());
}

void DocumentsPanel::chooseSource(const QString &source)
{
    if (source != m_pages->source())
        relist(m_pages->query(), source);
}

// The document in the preview is selected again when a new listing holds it.
void DocumentsPanel::selectShownDocument()
{
    if (m_documents->currentItem() || m_preview->documentId() == 0)
        return;
    const int row = rowOf(m_preview->documentId());
    if (row < 0)
        return;
    const QSignalBlocker quiet(m_documents); // previewed already
    m_documents->setCurrentItem(m_documents->topLevelItem(row));
}

void DocumentsPanel::previewCurrent()
{
    const QTreeWidgetItem *current = m_documents->currentItem();
    if (!current)
        return; // a new listing: the preview stays
    const QJsonObject document = documentOf(current);
    if (idOf(document) != idOf(m_shown))
        m_shown = {};
    if (idOf(document) != m_preview->documentId())
        m_preview->show(document);
}

void DocumentsPanel::revealPreview()
{
    const QList<int> sizes = m_split->sizes();
    if (sizes.value(1) == 0) {
        const int half = (sizes.value(0) + sizes.value(1)) / 2;
        m_split->setSizes({half, half});
    }
    previewCurrent();
}

void DocumentsPanel::showDocument(qint64 documentId)
{
    m_wanted = documentId;
    const int row = rowOf(documentId);
    if (row >= 0) {
        QTreeWidgetItem *item = m_documents->topLevelItem(row);
        item->setHidden(false);
        m_documents->setCurrentItem(item);
        m_documents->scrollToItem(item);
        return;
    }
    m_api->fetchDocument(documentId, this, [this, documentId](const ApiAnswer &answer) {
        if (documentId != m_wanted)
            return; // another document was asked for since
        if (!answer.ok()) {
            m_status->setText(
                tr("Document %1 cannot be shown: %2").arg(documentId).arg(answer.error));
            return;
        }
        m_shown = answer.json.value(QStringLiteral("document")).toObject();
        const int listed = rowOf(documentId);
        QTreeWidgetItem *item =
            listed >= 0 ? m_documents->topLevelItem(listed) : addDocument(m_shown);
        item->setHidden(false);
        m_listArea->setCurrentWidget(m_documents);
        m_documents->setCurrentItem(item);
        m_documents->scrollToItem(item);
    });
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
    if (!m_confirm(question))
        return;
    if (m_deleting)
        return; // the ids of a run still under way would be sent twice
    QStringList ids;
    auto names = std::make_shared<QHash<QString, QString>>();
    for (const QTreeWidgetItem *item : selected) {
        const QString id = QString::number(item->data(0, kIdRole).toLongLong());
        ids.append(id);
        names->insert(id, item->text(1));
    }
    // Four at a time (BulkRequests), so the listing and the status bar still
    // get through; the listing is asked for once, after every answer.
    m_deleting = new BulkRequests(
        ids,
        [this, names](const QString &id, QObject *context, ApiCallback done) {
            m_api->deleteDocument(id, context, [names, id, done](const ApiAnswer &answer) {
                ApiAnswer named = answer;
                if (!answer.ok())
                    named.error = tr("%1: %2").arg(names->value(id), answer.error);
                done(named);
            });
        },
        this);
    auto deleted = std::make_shared<QList<qint64>>();
    connect(m_deleting, &BulkRequests::answered, this,
            [this, deleted](const QString &id, bool ok, int answered, int total) {
                if (ok)
                    deleted->append(id.toLongLong());
                m_status->setText(tr("Deleting %1 of %2 documents…").arg(answered).arg(total));
            });
    connect(m_deleting, &BulkRequests::finished, this,
            [this, deleted](int, int failed, const QString &firstError) {
                m_deleting->deleteLater();
                m_deleting = nullptr;
                finishDeletes(*deleted, failed, firstError);
            });
    m_status->setText(tr("Deleting %1 of %2 documents…").arg(0).arg(ids.size()));
    m_deleting->start();
}

void DocumentsPanel::finishDeletes(const QList<qint64> &deleted, int failed,
                                   const QString &firstError)
{
    if (deleted.contains(m_preview->documentId()))
        m_preview->clear();
    if (deleted.contains(idOf(m_shown)))
        m_shown = {};
    refresh(); // clears an earlier problem: the one below stays until the next refresh
    if (failed == 1)
        m_problem = tr("Delete failed: %1").arg(firstError);
    else if (failed > 1)
        m_problem = tr("%1 deletes failed; the first: %2").arg(failed).arg(firstError);
    m_status->setText(m_problem.isEmpty() ? tr("Deleted; listing again…") : m_problem);
}

void DocumentsPanel::showStatus()
{
    const int loaded = loadedCount();
    const qint64 total = m_pages->total();
    QString text;
    if (!m_pages->isFiltered())
        text = total == 1 ? tr("1 document stored") : tr("%1 documents stored").arg(total);
    else
        text = total == 1 ? tr("1 document matches") : tr("%1 documents match").arg(total);
    if (!m_pages->isExhausted())
        text += tr("; %1 listed, more as you scroll").arg(loaded);
    else if (loaded < total)
        text += tr("; %1 listed, Refresh lists those stored since").arg(loaded);
    if (m_filter->text().trimmed() != m_pages->query())
        text += tr("; filtering…");
    if (!m_problem.isEmpty())
        text = m_problem + QLatin1Char('\n') + text;
    m_status->setText(text);
}

void DocumentsPanel::showEmptyState()
{
    if (loadedCount() > 0 || !m_pages->isExhausted()) {
        m_listArea->setCurrentWidget(m_documents);
        return;
    }
    const QString &query = m_pages->query();
    const QString &source = m_pages->source();
    QString scope;
    if (!query.isEmpty() && !source.isEmpty())
        scope = tr("No document from %1 matches \"%2\".").arg(source, query);
    else if (!query.isEmpty())
        scope = tr("No document matches \"%1\".").arg(query);
    else if (!source.isEmpty())
        scope = tr("No documents are left from %1.").arg(source);
    if (scope.isEmpty())
        m_empty->setText(tr("No documents yet.\n\nDrop files or URLs on the Add & jobs tab, paste "
                            "a text there, or watch a folder: what is stored is listed here to "
                            "read, open or delete."));
    else
        m_empty->setText(scope + QLatin1String("\n\n") +
                         tr("Clear the filter or choose All sources to see every document."));
    m_listArea->setCurrentWidget(m_empty);
}

void DocumentsPanel::loadMoreIfNearTheEnd()
{
    const QScrollBar *bar = m_documents->verticalScrollBar();
    // The bar counts rows when the view scrolls by item, else pixels.
    const bool byRow = m_documents->verticalScrollMode() == QAbstractItemView::ScrollPerItem;
    const int rowHeight = byRow ? 1 : qMax(1, m_documents->sizeHintForRow(0));
    if (bar->maximum() - bar->value() < kRowsAhead * rowHeight)
        loadMore();
}

} // namespace aether
