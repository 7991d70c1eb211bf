#include "store/storehealth.h"

#include <QAtomicInteger>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QVariant>

namespace aether {

namespace {

Q_LOGGING_CATEGORY(lcStoreHealth, "aether.store")

QAtomicInteger<quint64> s_checkSerial;

constexpr int kFindingsShown = 3;

// SQLITE_CORRUPT and SQLITE_NOTADB: the file is damaged, not merely busy.
bool isCorruption(const QSqlError &error)
{
    const int code = error.nativeErrorCode().toInt() & 0xff;
    return code == 11 || code == 26;
}

} // namespace

StoreHealth::StoreHealth(QString path) : m_path(std::move(path)), m_file(FileIdentity::of(m_path))
{}

StoreHealth::~StoreHealth()
{
    if (m_checker.joinable())
        m_checker.join();
}

void StoreHealth::startCheck()
{
    if (m_checker.joinable())
        return;
    {
        QMutexLocker locker(&m_lock);
        m_checking = true;
    }
    m_checker = std::thread([this] { check(); });
}

void StoreHealth::check()
{
    const QString connection =
        QStringLiteral("aether-store-check-%1").arg(s_checkSerial.fetchAndAddRelaxed(1));
    QStringList findings;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(m_path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=30000"));
        QSqlQuery query(db);
        if (!db.open()) {
            if (isCorruption(db.lastError()))
                findings.append(db.lastError().text());
        } else if (!query.exec(QStringLiteral("PRAGMA quick_check"))) {
            if (isCorruption(query.lastError()))
                findings.append(query.lastError().text());
            else
                qCWarning(lcStoreHealth, "cannot check the store %s: %s", qPrintable(m_path),
                          qPrintable(query.lastError().text()));
        } else {
            while (query.next()) {
                const QString line = query.value(0).toString();
                if (line != QLatin1String("ok"))
                    findings.append(line);
            }
        }
    }
    QSqlDatabase::removeDatabase(connection);
    if (!findings.isEmpty())
        qCCritical(lcStoreHealth,
                   "the store %s is corrupt (%lld problems, first: %s); stop the service and "
                   "restore it from a backup",
                   qPrintable(m_path), qint64(findings.size()), qPrintable(findings.first()));
    QMutexLocker locker(&m_lock);
    m_checking = false;
    m_corruption = findings.mid(0, kFindingsShown).join(QStringLiteral("; "));
}

StoreHealth::State StoreHealth::state() const
{
    if (!m_file || FileIdentity::of(m_path) != m_file) {
        if (!m_reportedMissing.exchange(true))
            qCCritical(lcStoreHealth, "%s", qPrintable(problem()));
        return State::Missing;
    }
    QMutexLocker locker(&m_lock);
    if (!m_corruption.isEmpty())
        return State::Corrupt;
    return m_checking ? State::Checking : State::Ok;
}

QString StoreHealth::name(State state)
{
    switch (state) {
    case State::Ok:
        return QStringLiteral("ok");
    case State::Checking:
        return QStringLiteral("checking");
    case State::Missing:
        return QStringLiteral("missing");
    case State::Corrupt:
        return QStringLiteral("corrupt");
    }
    return {};
}

QString StoreHealth::problem() const
{
    if (!m_file || FileIdentity::of(m_path) != m_file)
        return QStringLiteral("the store file %1 is missing: it was deleted or replaced while "
                              "the service ran; writes fail until the service is restarted "
                              "(after restoring the file, or on a new, empty store): a restored "
                              "file is another file to it")
            .arg(m_path);
    QMutexLocker locker(&m_lock);
    if (!m_corruption.isEmpty())
        return QStringLiteral("the store %1 is corrupt (PRAGMA quick_check: %2); restore it from "
                              "a backup")
            .arg(m_path, m_corruption);
    return {};
}

QString StoreHealth::publicProblem(State state)
{
    if (state == State::Missing)
        return QStringLiteral("store missing: writes fail until the service is restarted (details "
                              "in the service's log)");
    if (state == State::Corrupt)
        return QStringLiteral("store corrupt: restore it from a backup (details in the service's "
                              "log)");
    return {};
}

} // namespace aether
