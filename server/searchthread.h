#pragma once

#include "search/hybridsearch.h"
#include "server/blockingworkthread.h"

#include <functional>
#include <memory>

namespace aether {

// Runs searches on a thread of their own, so the HTTP thread never waits on
// SQLite or on an embedding service (a remote embedder embeds every query).
// The HybridSearch, with its connection and vector indexes, lives on that
// thread; answers come back on the thread that owns this object.
class SearchThread
{
public:
    // `error` is empty on success.
    using Completion = std::function<void(const QList<SearchHit> &hits, const QString &error)>;

    SearchThread(const QString &databasePath, std::unique_ptr<Embedder> queryEmbedder);
    ~SearchThread();

    void run(const SearchQuery &query, Completion completion);

private:
    struct Outcome
    {
        QList<SearchHit> hits;
        QString error;
    };

    std::unique_ptr<HybridSearch> m_search; // used on m_thread only
    BlockingWorkThread m_thread{QStringLiteral("search")};
};

} // namespace aether
