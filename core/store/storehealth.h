#pragma once

#include "store/fileidentity.h"

#include <QMutex>
#include <QString>
#include <atomic>
#include <optional>
#include <thread>

namespace aether {

// The store as /healthz reports it: whether the file the process opened at
// start is still at its path (a deleted store keeps open connections writing
// into an unlinked file), and whether SQLite's quick_check, run once in the
// background at start, found it sound.
class StoreHealth
{
public:
    enum class State
    {
        Ok,
        Checking,
        Missing,
        Corrupt
    };

    explicit StoreHealth(QString path); // remembers the file at the path now
    ~StoreHealth();                     // waits for the check
    StoreHealth(const StoreHealth &) = delete;
    StoreHealth &operator=(const StoreHealth &) = delete;

    void startCheck(); // PRAGMA quick_check on a thread of its own

    State state() const;
    static QString name(State state); // "ok", "checking", "missing", "corrupt"
    QString problem() const;          // what an operator should know, for missing and corrupt
    // The same for anyone: without the store's path or quick_check's findings.
    static QString publicProblem(State state);

private:
    void check();

    QString m_path;
    std::optional<FileIdentity> m_file;
    std::thread m_checker;
    mutable QMutex m_lock;
    bool m_checking = false;
    QString m_corruption;                              // quick_check's findings
    mutable std::atomic_bool m_reportedMissing{false}; // logged once
};

} // namespace aether
