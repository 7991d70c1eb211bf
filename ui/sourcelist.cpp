#include "ui/sourcelist.h"

#include "ui/apiclient.h"

#include <QJsonArray>
#include <QLocale>
#include <QSignalBlocker>

namespace aether {

namespace {

constexpr int kSourceRole = Qt::UserRole + 1;
constexpr int kCountRole = Qt::UserRole + 2;

QListWidgetItem *itemFor(const QString &label, const QString &source, qint64 count)
{
    auto *item =
        new QListWidgetItem(QStringLiteral("%1 (%2)").arg(label, QLocale().toString(count)));
    item->setData(kSourceRole, source);
    item->setData(kCountRole, count);
    item->setToolTip(count == 1 ? SourceList::tr("%1: 1 document").arg(label)
                                : SourceList::tr("%1: %2 documents").arg(label).arg(count));
    return item;
}

} // namespace

SourceList::SourceList(ApiClient *api, QWidget *parent) : QListWidget(parent), m_api(api)
{
    setObjectName(QStringLiteral("documentSources"));
    setSelectionMode(QAbstractItemView::SingleSelection);
    addItem(itemFor(tr("All sources"), QString(), 0));
    setCurrentRow(0);
    connect(this, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *current) {
        if (current)
            Q_EMIT sourceChosen(current->data(kSourceRole).toString());
    });
}

QString SourceList::chosenSource() const
{
    const QListWidgetItem *item = currentItem();
    return item ? item->data(kSourceRole).toString() : QString();
}

int SourceList::rowOf(const QString &source) const
{
    for (int row = 1; row < count(); ++row) {
        if (item(row)->data(kSourceRole).toString() == source)
            return row;
    }
    return source.isEmpty() ? 0 : -1;
}

qint64 SourceList::countAt(int row) const
{
    const QListWidgetItem *found = item(row);
    return found ? found->data(kCountRole).toLongLong() : 0;
}

void SourceList::refresh()
{
    const int generation = ++m_generation;
    m_api->listSources(this, [this, generation](const ApiAnswer &answer) {
        if (generation != m_generation || !answer.ok())
            return; // the listing beside says what went wrong
        fill(answer.json.value(QStringLiteral("sources")).toArray());
        Q_EMIT refreshed();
    });
}

void SourceList::fill(const QJsonArray &sources)
{
    const QString chosen = chosenSource();
    qint64 total = 0;
    for (const QJsonValue &source : sources)
        total += source.toObject().value(QStringLiteral("documents")).toInteger();
    {
        const QSignalBlocker quiet(this); // the same choice, redrawn: no new listing
        clear();
        addItem(itemFor(tr("All sources"), QString(), total));
        for (const QJsonValue &value : sources) {
            const QJsonObject source = value.toObject();
            const QString name = source.value(QStringLiteral("source")).toString();
            addItem(itemFor(name, name, source.value(QStringLiteral("documents")).toInteger()));
        }
        setCurrentRow(qMax(0, rowOf(chosen)));
    }
    if (chosenSource() != chosen) // the chosen source has no documents left
        Q_EMIT sourceChosen(chosenSource());
}

} // namespace aether
