#pragma once

#include <QLockFile>
#include <QString>

namespace aether {

// One desktop window per data folder. A second aether-ingest on the same
// folder would share its private Redis and store, find the port taken and ask
// about it, then run a second set of workers: confusing at best. Instead it
// says once that one is running and leaves. The lock is a QLockFile, which a
// crashed instance does not hold: its file names a dead process.
class SingleInstance
{
public:
    explicit SingleInstance(const QString &dataDir);

    // False when another live process holds the data folder.
    bool acquire();
    qint64 holderPid() const { return m_holderPid; }
    // What the second instance tells its user.
    QString alreadyRunningMessage() const;

private:
    QString m_dataDir;
    QLockFile m_lock;
    qint64 m_holderPid = 0;
};

} // namespace aether
