#include "store/documentcatalog.h"

#include "store/knowledgestore.h"

#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace aether {

namespace {

const QString kColumns = QStringLiteral(
    "SELECT id, source, kind, title, filename, url, size_bytes, text_chars, chunk_count,"
    " created_at, job_id, metadata FROM documents");

// The tenant's documents, with the optional source and text filters. LIKE
// is case-insensitive for ASCII; NULL columns (no file name, no URL) match nothing.
const QString kScope = QStringLiteral(
    " WHERE tenant = ? AND (? = '' OR source = ?)"
    " AND (? = '' OR title LIKE ? ESCAPE '\\' OR source LIKE ? ESCAPE '\\'"
    " OR kind LIKE ? ESCAPE '\\' OR filename LIKE ? ESCAPE '\\' OR url LIKE ? ESCAPE '\\')");
constexpr int kTextColumns = 5;

const QString kSources = QStringLiteral(
    "SELECT source, COUNT(*) FROM documents WHERE tenant = ? GROUP BY source ORDER BY source");

const QString kChunks =
    QStringLiteral("SELECT text, page, heading, start_offset, end_offset FROM chunks"
                   " WHERE document_id = ? ORDER BY position");

const QString kChunkPage =
    QStringLiteral("SELECT id, position, text, page, heading, start_offset, end_offset FROM chunks"
                   " WHERE document_id = ? AND position > ? ORDER BY position LIMIT ?");

DocumentSummary summaryOf(const QSqlQuery &row)
{
    return DocumentSummary{row.value(0).toLongLong(),
                           row.value(1).toString(),
                           row.value(2).toString(),
                           row.value(3).toString(),
                           row.value(4).toString(),
                           row.value(5).toString(),
                           row.value(6).toLongLong(),
                           row.value(7).toLongLong(),
                           row.value(8).toLongLong(),
                           row.value(9).toString(),
                           row.value(10).toString(),
                           QJsonDocument::fromJson(row.value(11).toString().toUtf8()).object()};
}

void run(QSqlQuery &query)
{
    if (!query.exec())
        throw StoreError(QStringLiteral("cannot read the store: %1").arg(query.lastError().text()));
}

// "50%_off" is looked for as it is written, not as a pattern.
QString containsPattern(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
        .replace(QLatin1Char('%'), QLatin1String("\\%"))
        .replace(QLatin1Char('_'), QLatin1String("\\_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

// A null QString binds as NULL, and NULL = '' is not true.
QString notNull(const QString &text)
{
    return text.isNull() ? QString(QLatin1String("")) : text;
}

void bindScope(QSqlQuery &query, const QString &tenant, const DocumentQuery &filter)
{
    query.addBindValue(tenant);
    query.addBindValue(notNull(filter.source));
    query.addBindValue(notNull(filter.source));
    query.addBindValue(notNull(filter.text));
    const QString pattern = containsPattern(filter.text);
    for (int column = 0; column < kTextColumns; ++column)
        query.addBindValue(pattern);
    for (const metadata::Condition &condition : filter.filter) {
        query.addBindValue(condition.key);
        query.addBindValue(condition.value);
    }
}

QString scopeSql(const DocumentQuery &filter)
{
    return kScope + metadata::filterSql(filter.filter.size(), QStringLiteral("id"));
}

} // namespace

DocumentCatalog::DocumentCatalog(QString databasePath)
    : m_reader(std::move(databasePath), "catalog")
{}

DocumentPage DocumentCatalog::list(const QString &tenant, const DocumentQuery &query)
{
    const QSqlDatabase db = m_reader.database();
    DocumentPage page;
    QSqlQuery total(db);
    total.prepare(QStringLiteral("SELECT COUNT(*) FROM documents") + scopeSql(query));
    bindScope(total, tenant, query);
    run(total);
    page.total = total.next() ? total.value(0).toLongLong() : 0;

    QSqlQuery rows(db);
    rows.setForwardOnly(true);
    rows.prepare(kColumns + scopeSql(query) +
                 QStringLiteral(" AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ? OFFSET ?"));
    bindScope(rows, tenant, query);
    rows.addBindValue(query.beforeId);
    rows.addBindValue(query.beforeId);
    rows.addBindValue(query.limit);
    rows.addBindValue(query.offset);
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

QList<SourceCount> DocumentCatalog::sources(const QString &tenant)
{
    QSqlQuery rows(m_reader.database());
    rows.setForwardOnly(true);
    rows.prepare(kSources);
    rows.addBindValue(tenant);
    run(rows);
    QList<SourceCount> sources;
    while (rows.next())
        sources.append(SourceCount{rows.value(0).toString(), rows.value(1).toLongLong()});
    return sources;
}

bool DocumentCatalog::text(const QString &tenant, qint64 documentId, qsizetype maxCharacters,
                           StoredText *found)
{
    DocumentSummary document;
    if (!find(tenant, documentId, &document))
        return false;
    QSqlQuery rows(m_reader.database());
    rows.setForwardOnly(true);
    rows.prepare(kChunks);
    rows.addBindValue(documentId);
    run(rows);
    StoredTextJoiner joiner(maxCharacters);
    while (rows.next()) {
        const StoredChunk chunk{rows.value(0).toString(), rows.value(1).toInt(),
                                rows.value(2).toString(), rows.value(3).toLongLong(),
                                rows.value(4).toLongLong()};
        if (!joiner.add(chunk))
            break;
    }
    *found = joiner.result();
    return true;
}

bool DocumentCatalog::chunks(const QString &tenant, qint64 documentId, int afterPosition, int limit,
                             QList<ChunkEntry> *found)
{
    DocumentSummary document;
    if (!find(tenant, documentId, &document))
        return false;
    QSqlQuery rows(m_reader.database());
    rows.setForwardOnly(true);
    rows.prepare(kChunkPage);
    rows.addBindValue(documentId);
    rows.addBindValue(afterPosition);
    rows.addBindValue(limit);
    run(rows);
    found->clear();
    while (rows.next()) {
        found->append(ChunkEntry{rows.value(0).toLongLong(), rows.value(1).toInt(),
                                 StoredChunk{rows.value(2).toString(), rows.value(3).toInt(),
                                             rows.value(4).toString(), rows.value(5).toLongLong(),
                                             rows.value(6).toLongLong()}});
    }
    return true;
}

} // namespace aether
