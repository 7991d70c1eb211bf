#pragma once

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QSet>

namespace aether {

class ApiClient;

// The Documents tab's listing as the service hands it out: newest first, a
// page at a time, each page below the last id seen (GET /knowledge/documents
// with before_id), so documents stored meanwhile shift nothing; filtered by
// text and source on the service. A document is handed out once per listing.
class DocumentPages : public QObject
{
    Q_OBJECT

public:
    DocumentPages(ApiClient *api, int pageSize, QObject *parent = nullptr);

    // A new listing from the first page; pages of the earlier one are dropped.
    void restart(const QString &query, const QString &source);
    // The next page, unless one is on its way or the last one came.
    void next();
    // A document listed by other means (shown on request): never handed out again.
    void noteListed(qint64 documentId) { m_listed.insert(documentId); }

    const QString &query() const { return m_query; }
    const QString &source() const { return m_source; }
    bool isFiltered() const { return !m_query.isEmpty() || !m_source.isEmpty(); }
    bool isLoading() const { return m_loading; }
    bool isExhausted() const { return m_exhausted; }
    qint64 total() const { return m_total; } // every document the filters match

Q_SIGNALS:
    void started();
    // A page's documents not handed out before; `first`: the listing's first page.
    void arrived(const QList<QJsonObject> &documents, bool first);
    void failed(const QString &error);

private:
    void take(const QJsonObject &answer);

    ApiClient *m_api;
    int m_pageSize;
    QString m_query;
    QString m_source;
    QSet<qint64> m_listed;
    qint64 m_nextBeforeId = 0; // 0: the first page is next
    bool m_exhausted = false;
    bool m_loading = false;
    qint64 m_total = 0;
    int m_generation = 0;
};

} // namespace aether
