#include "ui/documentspanel.h"

#include "ui/apiclient.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace aether {

namespace {

constexpr int kIdRole = Qt::UserRole + 1;
constexpr int kPageSize = 500;

} // namespace

DocumentsPanel::DocumentsPanel(ApiClient *api, QWidget *parent)
    : QWidget(parent), m_api(api), m_documents(new QTreeWidget(this)), m_status(new QLabel(this))
{
    m_documents->setHeaderLabels(
        {tr("Type"), tr("Title or name"), tr("Source"), tr("Chunks"), tr("Added (UTC)")});
    m_documents->setRootIsDecorated(false);
    m_documents->setAlternatingRowColors(true);
    m_documents->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_documents->setSortingEnabled(true);
    m_documents->setColumnWidth(0, 70);
    m_documents->setColumnWidth(1, 360);
    auto *refresh = new QPushButton(tr("Refresh"), this);
    connect(refresh, &QPushButton::clicked, this, &DocumentsPanel::refresh);
    auto *remove = new QPushButton(tr("Delete"), this);
    connect(remove, &QPushButton::clicked, this, &DocumentsPanel::deleteSelected);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(refresh);
    buttons->addWidget(remove);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_documents, 1);
    layout->addLayout(buttons);
}

void DocumentsPanel::refresh()
{
    m_api->listDocuments(kPageSize, this, [this](const ApiAnswer &answer) {
        if (!answer.ok()) {
            m_status->setText(tr("Could not list documents: %1").arg(answer.error));
            return;
        }
        m_documents->clear();
        const QJsonArray documents = answer.json.value(QStringLiteral("documents")).toArray();
        for (const QJsonValue &value : documents) {
            const QJsonObject document = value.toObject();
            QString name = document.value(QStringLiteral("title")).toString();
            for (const char *key : {"filename", "url"}) {
                if (name.isEmpty())
                    name = document.value(QLatin1String(key)).toString();
            }
            auto *item = new QTreeWidgetItem(m_documents);
            item->setText(0, document.value(QStringLiteral("type")).toString());
            item->setText(1, name);
            item->setText(2, document.value(QStringLiteral("source")).toString());
            item->setData(3, Qt::DisplayRole, document.value(QStringLiteral("chunks")).toInt());
            item->setText(4, document.value(QStringLiteral("created_at")).toString());
            item->setData(0, kIdRole, document.value(QStringLiteral("document_id")).toVariant());
        }
        m_status->setText(tr("%1 document(s) stored")
                              .arg(answer.json.value(QStringLiteral("total")).toInteger()));
    });
}

void DocumentsPanel::deleteSelected()
{
    const QList<QTreeWidgetItem *> selected = m_documents->selectedItems();
    if (selected.isEmpty())
        return;
    if (QMessageBox::question(this, tr("Delete documents"),
                              tr("Delete %n document(s) and their chunks from the store?", nullptr,
                                 int(selected.size()))) != QMessageBox::Yes)
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
