#include "store/storereader.h"

#include "store/knowledgestore.h"

#include <QAtomicInteger>
#include <QSqlError>

namespace aether {

namespace {

QAtomicInteger<quint64> s_serial;

} // namespace

StoreReader::StoreReader(QString path, const char *purpose)
    : m_path(std::move(path)), m_connectionName(QStringLiteral("aether-%1-%2")
                                                    .arg(QLatin1String(purpose))
                                                    .arg(s_serial.fetchAndAddRelaxed(1)))
{}

StoreReader::~StoreReader()
{
    if (QSqlDatabase::contains(m_connectionName)) {
        QSqlDatabase::database(m_connectionName, false).close();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

QSqlDatabase StoreReader::database()
{
    if (QSqlDatabase::contains(m_connectionName))
        return QSqlDatabase::database(m_connectionName, false);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    db.setDatabaseName(m_path);
    // Readers wait briefly for a writer's checkpoint rather than failing.
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open()) {
        const QString error = db.lastError().text();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
        throw StoreError(QStringLiteral("cannot open the store %1: %2").arg(m_path, error));
    }
    return db;
}

} // namespace aether
