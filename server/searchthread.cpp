#include "server/searchthread.h"

namespace aether {

SearchThread::SearchThread(const QString &databasePath, std::unique_ptr<Embedder> queryEmbedder)
    : m_search(std::make_unique<HybridSearch>(databasePath, std::move(queryEmbedder)))
{}

SearchThread::~SearchThread()
{
    // The search's SQLite connection was opened on the search thread: close it there.
    m_thread.runAndWait([this] { m_search.reset(); });
}

void SearchThread::run(const SearchQuery &query, Completion completion)
{
    m_thread.run<Outcome>(
        [this, query] {
            Outcome outcome;
            try {
                outcome.hits = m_search->search(query);
            } catch (const SearchError &failure) {
                outcome.error = QString::fromLocal8Bit(failure.what());
            }
            return outcome;
        },
        [completion = std::move(completion)](const Outcome &outcome) {
            completion(outcome.hits, outcome.error);
        });
}

} // namespace aether
