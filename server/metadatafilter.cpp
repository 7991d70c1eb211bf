#include "server/metadatafilter.h"

#include "server/apireply.h"

#include <QJsonObject>

namespace aether {

QList<metadata::Condition> filterFromBody(const QJsonValue &value)
{
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isObject())
        throw ApiError{422, QStringLiteral("field 'filter' must be a JSON object")};
    const QJsonObject object = value.toObject();
    if (const QString problem = metadata::problem(object); !problem.isEmpty())
        throw ApiError{422, QString(problem).replace(QStringLiteral("'metadata'"),
                                                     QStringLiteral("'filter'"))};
    QList<metadata::Condition> conditions;
    for (auto it = object.begin(); it != object.end(); ++it)
        conditions.append({it.key(), metadata::valueText(it.value())});
    return conditions;
}

QList<metadata::Condition> filterFromQuery(const QUrlQuery &parameters)
{
    QJsonObject object;
    for (const auto &[name, value] : parameters.queryItems(QUrl::FullyDecoded)) {
        if (name.startsWith(QLatin1String("meta.")))
            object.insert(name.mid(5), value);
    }
    return filterFromBody(object.isEmpty() ? QJsonValue() : QJsonValue(object));
}

} // namespace aether
