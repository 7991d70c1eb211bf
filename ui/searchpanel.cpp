#include "ui/searchpanel.h"

#include "ui/apiclient.h"
#include "ui/documentdescription.h"
#include "ui/passagedelegate.h"

#include <QComboBox>
#include <QDesktopServices>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <cmath>

namespace aether {

namespace {

enum Column
{
    ScoreColumn,
    FoundByColumn,
    TitleColumn,
    SourceColumn,
    PageColumn,
    PassageColumn
};

static_assert(FoundByColumn == SearchPanel::kFoundByColumn &&
              PassageColumn == SearchPanel::kPassageColumn);

constexpr int kTargetRole = Qt::UserRole + 1;       // URL or file name to open
constexpr int kPassageRole = Qt::UserRole + 2;      // the whole passage
constexpr int kPassageSpansRole = Qt::UserRole + 3; // where its words are
constexpr int kBarSteps = 5;

// The hit's relevance (0 to 1, comparable across searches) as a bar of
// kBarSteps blocks.
QString relevanceBar(double relevance)
{
    const int filled = qBound(1, int(std::lround(kBarSteps * relevance)), kBarSteps);
    return QString(filled, QChar(0x25A0)) + QString(kBarSteps - filled, QChar(0x25A1));
}

} // namespace

SearchPanel::SearchPanel(ApiClient *api, LocalFileLookup lookup, QWidget *parent)
    : QWidget(parent), m_api(api), m_lookup(std::move(lookup)), m_query(new QLineEdit(this)),
      m_mode(new QComboBox(this)), m_results(new QTreeWidget(this)),
      m_passages(new PassageDelegate(this)), m_passage(new QTextBrowser(this)),
      m_status(new QLabel(this))
{
    m_query->setObjectName(QStringLiteral("searchQuery"));
    m_query->setPlaceholderText(tr("Search what was ingested (Ctrl+F)"));
    m_query->setClearButtonEnabled(true);
    connect(m_query, &QLineEdit::returnPressed, this, &SearchPanel::search);
    m_mode->addItem(tr("Hybrid"), QStringLiteral("hybrid"));
    m_mode->addItem(tr("Keywords"), QStringLiteral("keyword"));
    m_mode->addItem(tr("Meaning (vectors)"), QStringLiteral("vector"));
    auto *go = new QPushButton(tr("Search"), this);
    connect(go, &QPushButton::clicked, this, &SearchPanel::search);

    m_results->setHeaderLabels(
        {tr("Relevance"), tr("Found by"), tr("Title"), tr("Source"), tr("Page"), tr("Passage")});
    m_results->setRootIsDecorated(false);
    m_results->setAlternatingRowColors(true);
    m_results->setUniformRowHeights(true);
    m_results->setItemDelegateForColumn(PassageColumn, m_passages);
    m_results->setColumnWidth(ScoreColumn, 70);
    m_results->setColumnWidth(FoundByColumn, 80);
    m_results->setColumnWidth(TitleColumn, 220);
    m_results->setColumnWidth(SourceColumn, 90);
    m_results->setColumnWidth(PageColumn, 50);
    m_results->header()->setStretchLastSection(true);
    connect(m_results, &QTreeWidget::itemDoubleClicked, this,
            [this](QTreeWidgetItem *item) { open(item); });
    connect(m_results, &QTreeWidget::currentItemChanged, this,
            [this](QTreeWidgetItem *item) { showPassage(item); });
    m_passage->setObjectName(QStringLiteral("passageView"));
    m_passage->setPlaceholderText(tr("The selected result's whole passage shows here"));
    showHint(tr("<p>Type words or a question and press <b>Enter</b>.</p>"
                "<p><b>Hybrid</b> finds passages that share your words or their meaning; "
                "<b>Keywords</b> only passages with your words (any form: <i>moraine</i> finds "
                "<i>moraines</i>); <b>Meaning</b> also finds passages that say it otherwise.</p>"
                "<p>Only documents whose jobs have finished can be found.</p>"));
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_results);
    split->addWidget(m_passage);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_query, 1);
    bar->addWidget(m_mode);
    bar->addWidget(go);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);
}

void SearchPanel::focusQuery()
{
    m_query->setFocus();
    m_query->selectAll();
}

void SearchPanel::search()
{
    const QString query = m_query->text().trimmed();
    if (query.isEmpty())
        return;
    m_status->setText(tr("Searching…"));
    const QJsonObject body{{QStringLiteral("query"), query},
                           {QStringLiteral("k"), 20},
                           {QStringLiteral("mode"), m_mode->currentData().toString()}};
    const int asked = ++m_searches;
    m_api->search(body, this, [this, asked](const ApiAnswer &answer) {
        if (asked != m_searches)
            return; // a newer search was asked meanwhile: its answer is the one shown
        if (!answer.ok()) {
            m_status->setText(tr("Search failed: %1").arg(answer.error));
            return;
        }
        showResults(answer.json.value(QStringLiteral("results")).toArray());
    });
}

void SearchPanel::showResults(const QJsonArray &results)
{
    m_results->clear();
    m_passage->clear();
    for (const QJsonValue &value : results) {
        const QJsonObject hit = value.toObject();
        const QString url = hit.value(QStringLiteral("url")).toString();
        const QString fileName = hit.value(QStringLiteral("filename")).toString();
        const QString title = documentName(hit); // a hit names its document as a listing does
        const QJsonValue page = hit.value(QStringLiteral("page"));
        const double relevance = hit.value(QStringLiteral("relevance")).toDouble();
        const QString passage = hit.value(QStringLiteral("text")).toString();
        auto *item = new QTreeWidgetItem(m_results);
        item->setText(ScoreColumn, relevanceBar(relevance));
        item->setToolTip(ScoreColumn, tr("relevance %1%").arg(std::lround(relevance * 100)));
        showFoundBy(item, hit.value(QStringLiteral("matched")).toString());
        item->setText(TitleColumn, title);
        item->setToolTip(TitleColumn, url.isEmpty() ? fileName : url);
        item->setText(SourceColumn, hit.value(QStringLiteral("source")).toString());
        item->setText(PageColumn, page.isDouble() ? QString::number(page.toInt()) : QString());
        item->setText(PassageColumn, hit.value(QStringLiteral("snippet")).toString());
        item->setData(PassageColumn, PassageDelegate::kSpansRole,
                      hit.value(QStringLiteral("snippet_highlights")).toArray());
        item->setData(PassageColumn, kPassageRole, passage);
        item->setData(PassageColumn, kPassageSpansRole,
                      hit.value(QStringLiteral("highlights")).toArray());
        item->setData(TitleColumn, kTargetRole, url.isEmpty() ? fileName : url);
    }
    if (results.isEmpty()) {
        m_status->setText(tr("No results"));
        showHint(tr("<p>Nothing matched <b>%1</b>.</p><p>Try fewer or other words, or "
                    "<b>Meaning</b> for passages that say it otherwise. Documents still being "
                    "ingested can be found once their jobs finish.</p>")
                     .arg(m_query->text().trimmed().toHtmlEscaped()));
    } else {
        m_status->setText(results.size() == 1 ? tr("1 result")
                                              : tr("%1 results").arg(results.size()));
    }
    if (m_results->topLevelItemCount() > 0)
        m_results->setCurrentItem(m_results->topLevelItem(0));
    Q_EMIT searched(int(results.size()));
}

// Whether the passage shares the query's words, or was found by meaning only:
// a meaning-only result of the hash embedder is often a loose match, so it is
// said, and drawn dimmer.
void SearchPanel::showFoundBy(QTreeWidgetItem *item, const QString &matched) const
{
    if (matched == QLatin1String("vector")) {
        item->setText(FoundByColumn, tr("meaning"));
        item->setToolTip(FoundByColumn, tr("Found by meaning only: it shares no word with the "
                                           "query, and may be a loose match"));
        const QBrush dim = m_results->palette().brush(QPalette::PlaceholderText);
        for (int column = 0; column < m_results->columnCount(); ++column)
            item->setForeground(column, dim);
    } else {
        item->setText(FoundByColumn,
                      matched == QLatin1String("both") ? tr("words, meaning") : tr("words"));
    }
}

// The passage view teaches while there is no passage to show.
void SearchPanel::showHint(const QString &html)
{
    m_passage->setHtml(html);
}

void SearchPanel::showPassage(QTreeWidgetItem *item)
{
    if (!item) {
        m_passage->clear();
        return;
    }
    m_passage->setHtml(PassageDelegate::highlighted(
        item->data(PassageColumn, kPassageRole).toString(),
        item->data(PassageColumn, kPassageSpansRole).toJsonArray(), m_passage->palette()));
}

void SearchPanel::open(QTreeWidgetItem *item)
{
    const QString target = item->data(TitleColumn, kTargetRole).toString();
    if (target.startsWith(QLatin1String("http://")) ||
        target.startsWith(QLatin1String("https://"))) {
        QDesktopServices::openUrl(QUrl(target));
        return;
    }
    const QString path = m_lookup ? m_lookup(target) : QString();
    if (path.isEmpty() || !isOpenableDocument(path)) {
        m_status->setText(tr("%1 was uploaded from elsewhere; no local copy is known").arg(target));
        return;
    }
    QDesktopServices::openUrl(QUrl::fromLocalFile(path));
}

} // namespace aether
