#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QVariantMap>

namespace aether {

// A document's own fields: what the caller sent with it ("team": "support",
// "year": 2025) over what its file says of itself (an e-book's author). Flat:
// string, number or boolean values only, so that each one can be filtered on.
namespace metadata {

inline constexpr int kMaxKeys = 64;
inline constexpr int kMaxBytes = 8 * 1024; // the object as compact JSON
inline constexpr int kMaxKeyChars = 64;

// Why `object` cannot be stored ("key 'x': a value must be a string, number or
// boolean"); empty when it can.
QString problem(const QJsonObject &object);

// A value as filters compare it: the string itself, a number in its shortest
// form ("2025", "2.5"), "true" or "false".
QString valueText(const QJsonValue &value);

// What the file says, overlaid by what the caller sent (the caller wins);
// values that are not flat are left out.
QJsonObject merged(const QVariantMap &fromFile, const QJsonObject &given);

// One condition of a search filter: the key's value as valueText() gives it.
struct Condition
{
    QString key;
    QString value;
};

// " AND <id> IN (SELECT document_id FROM document_metadata WHERE key = ? AND
// value = ?)" once per condition: each an indexed lookup
// (document_metadata_by_value); bind each condition's key and value in order.
QString filterSql(qsizetype conditions, const QString &documentIdColumn);

} // namespace metadata

} // namespace aether
