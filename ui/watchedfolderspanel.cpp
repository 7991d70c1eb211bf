#include "ui/watchedfolderspanel.h"

#include "ui/apiclient.h"
#include "ui/watchfolderdialog.h"

#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QSet>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace aether {

namespace {

constexpr int kIdRole = Qt::UserRole + 1;
constexpr int kRescanShownMs = 1500;

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
    m_folders->setSelectionMode(QAbstractItemView::ExtendedSelection);
    auto *hint = new QLabel(tr("<b>Watch folder…</b> (or drop a folder on the drop zone and choose "
                               "<b>Keep in sync</b>): new and changed files are queued, deleted "
                               "ones removed from the store, and changes made while Aether Ingest "
                               "was closed are caught at the next start."),
                            this);
    hint->setWordWrap(true);
    auto *watch = new QPushButton(tr("Watch folder…"), this);
    watch->setObjectName(QStringLiteral("watchFolderButton"));
    connect(watch, &QPushButton::clicked, this, &WatchedFoldersPanel::watchFolder);
    // Once, not kept in sync: its files wait in the Add & jobs tab's bar.
    auto *addOnce = new QPushButton(tr("Add folder once…"), this);
    addOnce->setObjectName(QStringLiteral("addFolderOnceButton"));
    addOnce->setToolTip(tr("Queue every supported file under a folder once, without watching it"));
    connect(addOnce, &QPushButton::clicked, this, &WatchedFoldersPanel::addFolderOnceRequested);
    auto *rescan = new QPushButton(tr("Rescan now"), this);
    rescan->setObjectName(QStringLiteral("rescanButton"));
    rescan->setToolTip(tr("Scan the selected folders now instead of at the next periodic rescan"));
    connect(rescan, &QPushButton::clicked, this, &WatchedFoldersPanel::rescanSelected);
    auto *refresh = new QPushButton(tr("Refresh"), this);
    connect(refresh, &QPushButton::clicked, this, &WatchedFoldersPanel::refresh);
    auto *stop = new QPushButton(tr("Stop watching"), this);
    connect(stop, &QPushButton::clicked, this, &WatchedFoldersPanel::stopWatchingSelected);
    // What acts on a folder needs one.
    const auto enableForSelection = [this, rescan, stop] {
        const bool any = !m_folders->selectedItems().isEmpty();
        rescan->setEnabled(any);
        stop->setEnabled(any);
    };
    connect(m_folders, &QTreeWidget::itemSelectionChanged, this, enableForSelection);
    connect(this, &WatchedFoldersPanel::refreshed, this, enableForSelection);
    enableForSelection();
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(watch);
    buttons->addWidget(addOnce);
    buttons->addWidget(m_status, 1);
    buttons->addWidget(rescan);
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
        // The list is rebuilt every few seconds: the selection must survive it.
        QSet<QString> selected;
        for (const QTreeWidgetItem *item : m_folders->selectedItems())
            selected.insert(item->data(0, kIdRole).toString());
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
            item->setSelected(selected.contains(item->data(0, kIdRole).toString()));
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

WatchFolderDialog *WatchedFoldersPanel::watchFolder()
{
    auto *dialog = new WatchFolderDialog(m_api, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &WatchFolderDialog::watchAdded, this, [this](const QString &path) {
        m_status->setText(tr("Watching %1: its files are being queued").arg(path));
        refresh();
    });
    dialog->open();
    return dialog;
}

void WatchedFoldersPanel::rescanSelected()
{
    for (QTreeWidgetItem *item : m_folders->selectedItems()) {
        const QString id = item->data(0, kIdRole).toString();
        const QString path = item->text(0);
        m_api->rescanWatch(id, this, [this, path](const ApiAnswer &answer) {
            if (!answer.ok()) {
                m_status->setText(tr("Could not rescan %1: %2").arg(path, answer.error));
                return;
            }
            m_status->setText(tr("Rescanning %1…").arg(path));
            // The scan's outcome shows at the periodic refresh; one now is often too early.
            QTimer::singleShot(kRescanShownMs, this, &WatchedFoldersPanel::refresh);
        });
    }
}

} // namespace aether
