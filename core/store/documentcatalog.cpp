#include "store/documentcatalog.h"

#include "store/knowledgestore.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace aether {

namespace {

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
    : m_reader(std::move(databasePath), "catalog")
{}

DocumentPage DocumentCatalog::list(const QString &tenant, const QString &source, int limit,
                                   qint64 offset)
{
    const QSqlDatabase db = m_reader.database();
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
    QSqlQuery row(m_reader.database());
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
