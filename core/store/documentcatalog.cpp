#include "store/documentcatalog.h"

#include "store/knowledgestore.h"

#include <QAtomicInteger>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace aether {

namespace {

QAtomicInteger<quint64> s_serial;

const QString kColumns = QStringLiteral(
    "SELECT id, source, kind, title, filename, url, size_bytes, text_chars, chunk_count,"
    " created_at, job_id FROM documents");

// The tenant's documents, with the optional source filter.
const QString kScope = QStringLiteral(" WHERE tenant = ? AND (? = '' OR source = ?)");

DocumentSummary summaryOf(const QSqlQuery &row)
{
    return DocumentSummary{
        row.value(0).toLongLong(), row.value(1).toString(),   row.value(2).toString(),
        row.value(3).toString(),   row.value(4).toString(),   row.value(5).toString(),
        row.value(6).toLongLong(), row.value(7).toLongLong(), row.value(8).toLongLong(),
        row.value(9).toString(),   row.value(10).toString()};
}

void run(QSqlQuery &query)
{
    if (!query.exec())
        throw StoreError(QStringLiteral("cannot read the store: %1").arg(query.lastError().text()));
}

void bindScope(QSqlQuery &query, const QString &tenant, const QString &source)
{
    const QString filter = source.isNull() ? QString(QLatin1String("")) : source;
    query.addBindValue(tenant);
    query.addBindValue(filter);
    query.addBindValue(filter);
}

} // namespace

DocumentCatalog::DocumentCatalog(QString databasePath)
    : m_path(std::move(databasePath)),
      m_connectionName(QStringLiteral("aether-catalog-%1").arg(s_serial.fetchAndAddRelaxed(1)))
{}

DocumentCatalog::~DocumentCatalog()
{
    if (QSqlDatabase::contains(m_connectionName)) {
        QSqlDatabase::database(m_connectionName, false).close();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

void DocumentCatalog::open()
{
    if (QSqlDatabase::contains(m_connectionName))
        return;
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open())
        throw StoreError(
            QStringLiteral("cannot open the store %1: %2").arg(m_path, db.lastError().text()));
}

DocumentPage DocumentCatalog::list(const QString &tenant, const QString &source, int limit,
                                   qint64 offset)
{
    open();
    const QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    DocumentPage page;
    QSqlQuery total(db);
    total.prepare(QStringLiteral("SELECT COUNT(*) FROM documents") + kScope);
    bindScope(total, tenant, source);
    run(total);
    page.total = total.next() ? total.value(0).toLongLong() : 0;

    QSqlQuery rows(db);
    rows.setForwardOnly(true);
    rows.prepare(kColumns + kScope + QStringLiteral(" ORDER BY id DESC LIMIT ? OFFSET ?"));
    bindScope(rows, tenant, source);
    rows.addBindValue(limit);
    rows.addBindValue(offset);
    run(rows);
    while (rows.next())
        page.documents.append(summaryOf(rows));
    return page;
}

bool DocumentCatalog::find(const QString &tenant, qint64 documentId, DocumentSummary *found)
{
    open();
    QSqlQuery row(QSqlDatabase::database(m_connectionName, false));
    row.prepare(kColumns + QStringLiteral(" WHERE tenant = ? AND id = ?"));
    row.addBindValue(tenant);
    row.addBindValue(documentId);
    run(row);
    if (!row.next())
        return false;
    *found = summaryOf(row);
    return true;
}

} // namespace aether
