#include "desktop/singleinstance.h"

#include <QDir>

namespace aether {

SingleInstance::SingleInstance(const QString &dataDir)
    : m_dataDir(dataDir), m_lock(QDir(dataDir).filePath(QStringLiteral("aether-ingest.lock")))
{
    m_lock.setStaleLockTime(0); // only a dead holder makes it stale, never its age
}

bool SingleInstance::acquire()
{
    QDir().mkpath(m_dataDir);
    if (m_lock.tryLock(0))
        return true;
    QString hostName, appName;
    m_lock.getLockInfo(&m_holderPid, &hostName, &appName);
    // Not held by another instance (an unwritable folder): nothing to warn of
    // here; the service says what is wrong with the folder when it starts.
    return m_lock.error() != QLockFile::LockFailedError;
}

QString SingleInstance::alreadyRunningMessage() const
{
    return QObject::tr("Aether Ingest is already running (process %1) with the data folder %2.\n\n"
                       "Use its window (minimized or on another desktop, it is still there). "
                       "To run a second one, give it a data folder of its own "
                       "(--data-dir or AETHER_DATA_DIR).")
        .arg(m_holderPid)
        .arg(QDir::toNativeSeparators(m_dataDir));
}

} // namespace aether
