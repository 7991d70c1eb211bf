#pragma once

#include "server/apireply.h"

#include <QJsonObject>
#include <QString>

class QHttpServerRequest;

namespace aether {

// Reads and checks JSON request bodies; failures throw ApiError with the
// API's statuses: 400 malformed body, 422 missing or invalid field.
class JsonBody
{
public:
    explicit JsonBody(const QHttpServerRequest &request);
    explicit JsonBody(const QByteArray &body);

    QString requiredString(const QString &name, int maxChars) const;
    QString optionalString(const QString &name, const QString &fallback, int maxChars) const;
    const QJsonObject &object() const { return m_object; }

private:
    QJsonObject m_object;
};

} // namespace aether
