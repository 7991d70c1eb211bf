#pragma once

#include <QString>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace aether {

// Copies what writers committed to the store's write-ahead log into the
// database file, on a thread of its own. SQLite's automatic checkpoint runs
// inside the commit that crosses its threshold: that writer then waits for
// two fsyncs while holding the write lock, and every other writer with it (over
// a quarter of a 50 MB drain's wall time). Writers' connections turn it off
// (KnowledgeStore::configureConnection); this thread runs PASSIVE
// checkpoints, which never block a writer, while the log keeps changing.
//
// One per store file per process, shared by its KnowledgeStores: the first
// open starts it, the last close stops it. Several processes on one store
// each run one; SQLite lets one checkpoint run at a time and the others wait
// for the next round.
class WalCheckpointer
{
public:
    static std::shared_ptr<WalCheckpointer> forStore(const QString &databasePath);

    explicit WalCheckpointer(QString databasePath);
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer &) = delete;
    WalCheckpointer &operator=(const WalCheckpointer &) = delete;

    // How often the log is looked at. A checkpoint runs when writers paused
    // for an interval, and at most every kWhileWritingMs while they write:
    // each one ends in two fsyncs, which slow the writers' own file writes
    // (a 50 MB drain: 7.9 s with 2 s, 7.1 s with 8 s; the log then holds up
    // to that many seconds of writes, cut back by journal_size_limit).
    static constexpr int kIntervalMs = 250;
    static constexpr int kWhileWritingMs = 4000;

private:
    void run();

    QString m_path;
    std::mutex m_lock;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace aether
