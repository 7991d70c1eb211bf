#pragma once

#include <QSqlDatabase>
#include <QString>

namespace aether {

// A read connection to the store file for the thread that uses it: opened on
// first use (Qt Sql connections belong to the thread that opens them) and
// closed with this object. Search and the document catalog each own one.
class StoreReader
{
public:
    // `purpose` names the connection ("search", "catalog") for Qt Sql's registry.
    StoreReader(QString path, const char *purpose);
    ~StoreReader();
    StoreReader(const StoreReader &) = delete;
    StoreReader &operator=(const StoreReader &) = delete;

    // Throws StoreError when the store cannot be opened.
    QSqlDatabase database();
    const QString &path() const { return m_path; }

private:
    QString m_path;
    QString m_connectionName;
};

} // namespace aether
