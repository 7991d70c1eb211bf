#include "ui/watchedfolderspanel.h"

#include "ui/apiclient.h"

#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace aether {

namespace {

constexpr int kIdRole = Qt::UserRole + 1;

QString patternsText(const QJsonObject &watch)
{
    QStringList patterns;
    for (const QJsonValue &pattern : watch.value(QStringLiteral("patterns")).toArray())
        patterns.append(pattern.toString());
    return patterns.isEmpty() ? QStringLiteral("all supported files") : patterns.join(u' ');
}

} // namespace

WatchedFoldersPanel::WatchedFoldersPanel(ApiClient *api, QWidget *parent)
    : QWidget(parent), m_api(api), m_folders(new QTreeWidget(this)), m_status(new QLabel(this))
{
    m_folders->setHeaderLabels({tr("Folder"), tr("Source"), tr("Files"), tr("Files tracked"),
                                tr("Last scan (UTC)"), tr("State")});
    m_folders->setRootIsDecorated(false);
    m_folders->setAlternatingRowColors(true);
    m_folders->setColumnWidth(0, 380);
    auto *hint = new QLabel(tr("Drop a folder on the drop zone and choose <b>Keep in sync</b>: "
                               "new and changed files are queued, deleted ones removed from "
                               "the store, and changes made while Aether Ingest was closed are "
                               "caught at the next start."),
                            this);
    hint->setWordWrap(true);
    auto *refresh = new QPushButton(tr("Refresh"), this);
    connect(refresh, &QPushButton::clicked, this, &WatchedFoldersPanel::refresh);
    auto *stop = new QPushButton(tr("Stop watching"), this);
    connect(stop, &QPushButton::clicked, this, &WatchedFoldersPanel::stopWatchingSelected);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(refresh);
    buttons->addWidget(stop);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addWidget(m_folders, 1);
    layout->addLayout(buttons);
    auto *timer = new QTimer(this);
    connect(timer, &QTimer::timeout, this, &WatchedFoldersPanel::refresh);
    timer->start(kRefreshMs);
}

void WatchedFoldersPanel::refresh()
{
    m_api->listWatches(this, [this](const ApiAnswer &answer) {
        if (!answer.ok()) {
            m_status->setText(tr("Could not list watched folders: %1").arg(answer.error));
            return;
        }
        m_folders->clear();
        const QJsonArray watches = answer.json.value(QStringLiteral("watches")).toArray();
        for (const QJsonValue &value : watches) {
            const QJsonObject watch = value.toObject();
            const QString error = watch.value(QStringLiteral("last_error")).toString();
            auto *item = new QTreeWidgetItem(
                {watch.value(QStringLiteral("path")).toString(),
                 watch.value(QStringLiteral("source")).toString(), patternsText(watch),
                 QString::number(watch.value(QStringLiteral("files_tracked")).toInt()),
                 watch.value(QStringLiteral("last_scan_at")).toString(),
                 error.isEmpty() ? tr("in sync") : error});
            item->setData(0, kIdRole, watch.value(QStringLiteral("id")).toString());
            m_folders->addTopLevelItem(item);
        }
        m_status->setText(watches.size() == 1 ? tr("1 folder watched")
                                              : tr("%1 folders watched").arg(watches.size()));
        Q_EMIT refreshed();
    });
}

void WatchedFoldersPanel::stopWatchingSelected()
{
    for (QTreeWidgetItem *item : m_folders->selectedItems()) {
        const QString id = item->data(0, kIdRole).toString();
        m_api->removeWatch(id, this, [this](const ApiAnswer &) { refresh(); });
    }
}

} // namespace aether
