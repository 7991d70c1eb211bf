#include "store/walcheckpointer.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace aether {

namespace {

Q_LOGGING_CATEGORY(lcCheckpoint, "aether.store")

QAtomicInteger<int> s_connectionSerial = 0;

// What tells that writers appended to the log since the last look: its size
// and modification time (a log that was reset keeps its size).
struct LogState
{
    qint64 size = -1;
    QDateTime modified;
    bool operator==(const LogState &other) const
    {
        return size == other.size && modified == other.modified;
    }
};

LogState logState(const QString &walPath)
{
    const QFileInfo log(walPath);
    if (!log.exists())
        return {};
    return {log.size(), log.lastModified()};
}

} // namespace

std::shared_ptr<WalCheckpointer> WalCheckpointer::forStore(const QString &databasePath)
{
    static std::mutex registryLock;
    static QHash<QString, std::weak_ptr<WalCheckpointer>> running;
    const QString key = QFileInfo(databasePath).absoluteFilePath();
    const std::lock_guard locker(registryLock);
    std::shared_ptr<WalCheckpointer> checkpointer = running.value(key).lock();
    if (!checkpointer) {
        checkpointer = std::make_shared<WalCheckpointer>(key);
        running.insert(key, checkpointer);
    }
    return checkpointer;
}

WalCheckpointer::WalCheckpointer(QString databasePath)
    : m_path(std::move(databasePath)), m_thread([this] { run(); })
{}

WalCheckpointer::~WalCheckpointer()
{
    {
        const std::lock_guard locker(m_lock);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void WalCheckpointer::run()
{
    const QString connection =
        QStringLiteral("aether-checkpoint-%1").arg(s_connectionSerial.fetchAndAddRelaxed(1));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(m_path);
        // A checkpoint never waits for writers; it gives up and tries later.
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=0"));
        const QString walPath = m_path + QStringLiteral("-wal");
        LogState checkpointed;
        LogState lastLook;
        QElapsedTimer sinceCheckpoint;
        sinceCheckpoint.start();
        std::unique_lock locker(m_lock);
        while (!m_wake.wait_for(locker, std::chrono::milliseconds(kIntervalMs),
                                [this] { return m_stopping; })) {
            const LogState now = logState(walPath);
            const bool writersPaused = now == lastLook;
            lastLook = now;
            if (now.size <= 0 || now == checkpointed ||
                (!writersPaused && sinceCheckpoint.elapsed() < kWhileWritingMs))
                continue;
            sinceCheckpoint.start();
            locker.unlock();
            if (db.isOpen() || db.open()) {
                QSqlQuery checkpoint(db);
                // One row: busy, frames in the log, frames copied. A log a
                // reader's snapshot kept from being copied whole is tried again.
                if (checkpoint.exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)")) &&
                    checkpoint.next() && checkpoint.value(1) == checkpoint.value(2))
                    checkpointed = now;
                else if (checkpoint.lastError().isValid())
                    qCDebug(lcCheckpoint, "checkpoint of %s: %s", qPrintable(m_path),
                            qPrintable(checkpoint.lastError().text()));
            }
            locker.lock();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
}

} // namespace aether
