#include "server/searchthread.h"

namespace aether {

SearchThread::SearchThread(const QString &databasePath, std::unique_ptr<Embedder> queryEmbedder,
                           QObject *parent)
    : QObject(parent), m_context(new QObject),
      m_search(std::make_unique<HybridSearch>(databasePath, std::move(queryEmbedder)))
{
    m_thread.setObjectName(QStringLiteral("search"));
    m_context->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread.start();
}

SearchThread::~SearchThread()
{
    // The search's SQLite connection was opened on the search thread: close it there.
    QMetaObject::invokeMethod(
        m_context, [this] { m_search.reset(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void SearchThread::run(const SearchQuery &query, Completion completion)
{
    QMetaObject::invokeMethod(m_context, [this, query, completion = std::move(completion)] {
        QList<SearchHit> hits;
        QString error;
        try {
            hits = m_search->search(query);
        } catch (const SearchError &failure) {
            error = QString::fromLocal8Bit(failure.what());
        }
        QMetaObject::invokeMethod(this, [completion, hits, error] { completion(hits, error); });
    });
}

} // namespace aether
