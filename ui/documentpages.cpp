#include "ui/documentpages.h"

#include "ui/apiclient.h"

#include <QJsonArray>

namespace aether {

DocumentPages::DocumentPages(ApiClient *api, int pageSize, QObject *parent)
    : QObject(parent), m_api(api), m_pageSize(pageSize)
{}

void DocumentPages::restart(const QString &query, const QString &source)
{
    ++m_generation;
    m_query = query;
    m_source = source;
    m_listed.clear();
    m_nextBeforeId = 0;
    m_exhausted = false;
    m_loading = false;
    m_total = 0;
    Q_EMIT started();
    next();
}

void DocumentPages::next()
{
    if (m_loading || m_exhausted)
        return;
    m_loading = true;
    const int generation = m_generation;
    m_api->listDocuments(m_pageSize, m_nextBeforeId, m_query, m_source, this,
                         [this, generation](const ApiAnswer &answer) {
                             if (generation != m_generation)
                                 return; // a new listing started over meanwhile
                             m_loading = false;
                             if (answer.ok())
                                 take(answer.json);
                             else
                                 Q_EMIT failed(answer.error);
                         });
}

void DocumentPages::take(const QJsonObject &answer)
{
    const bool first = m_nextBeforeId == 0;
    m_total = answer.value(QStringLiteral("total")).toInteger();
    const QJsonValue following = answer.value(QStringLiteral("next_before_id"));
    m_exhausted = !following.isDouble(); // null after the last page
    m_nextBeforeId = following.toInteger();
    QList<QJsonObject> fresh;
    for (const QJsonValue &value : answer.value(QStringLiteral("documents")).toArray()) {
        const QJsonObject document = value.toObject();
        const qint64 id = document.value(QStringLiteral("document_id")).toInteger();
        if (!m_listed.contains(id)) {
            m_listed.insert(id);
            fresh.append(document);
        }
    }
    Q_EMIT arrived(fresh, first);
    // The view asks for the next page as it is scrolled; a page that added
    // nothing moves nothing, so ask at once.
    if (fresh.isEmpty() && !m_exhausted)
        next();
}

} // namespace aether
