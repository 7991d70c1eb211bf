#include "store/documentmetadata.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <cmath>

namespace aether::metadata {

namespace {

bool isFlat(const QJsonValue &value)
{
    return value.isString() || value.isBool() ||
           (value.isDouble() && std::isfinite(value.toDouble()));
}

} // namespace

QString problem(const QJsonObject &object)
{
    if (object.size() > kMaxKeys)
        return QStringLiteral("'metadata' has %1 keys; at most %2")
            .arg(object.size())
            .arg(kMaxKeys);
    static const QRegularExpression keyPattern(
        QStringLiteral("^[A-Za-z0-9_.-]{1,%1}$").arg(kMaxKeyChars));
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!keyPattern.match(it.key()).hasMatch())
            return QStringLiteral(
                       "'metadata' key '%1' must be 1 to %2 letters, digits, '_', '.' or '-'")
                .arg(it.key().left(80))
                .arg(kMaxKeyChars);
        if (!isFlat(it.value()))
            return QStringLiteral(
                       "'metadata' key '%1': a value must be a string, number or boolean")
                .arg(it.key());
    }
    const qsizetype bytes = QJsonDocument(object).toJson(QJsonDocument::Compact).size();
    if (bytes > kMaxBytes)
        return QStringLiteral("'metadata' is %1 bytes as JSON; at most %2")
            .arg(bytes)
            .arg(kMaxBytes);
    return {};
}

QString valueText(const QJsonValue &value)
{
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 17);
    return value.toString();
}

QJsonObject merged(const QVariantMap &fromFile, const QJsonObject &given)
{
    QJsonObject result;
    for (auto it = fromFile.begin(); it != fromFile.end(); ++it) {
        const QJsonValue value = QJsonValue::fromVariant(it.value());
        if (isFlat(value) && result.size() < kMaxKeys)
            result.insert(it.key(), value);
    }
    for (auto it = given.begin(); it != given.end(); ++it)
        result.insert(it.key(), it.value());
    return result;
}

QString filterSql(qsizetype conditions, const QString &documentIdColumn)
{
    QString sql;
    for (qsizetype i = 0; i < conditions; ++i)
        sql += QStringLiteral(" AND ") + documentIdColumn +
               QStringLiteral(" IN (SELECT document_id FROM document_metadata"
                              " WHERE key = ? AND value = ?)");
    return sql;
}

} // namespace aether::metadata
