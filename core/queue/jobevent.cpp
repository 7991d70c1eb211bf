#include "queue/jobevent.h"

#include "queue/jobtime.h"

#include <QJsonDocument>

namespace aether {

QByteArray jobEventJson(const QByteArray &id, const QByteArray &status, const QByteArray &tenant,
                        const QJsonObject &extra)
{
    QJsonObject event = extra;
    event.insert(QStringLiteral("job_id"), QString::fromLatin1(id));
    event.insert(QStringLiteral("status"), QString::fromLatin1(status));
    event.insert(QStringLiteral("tenant"), QString::fromUtf8(tenant));
    event.insert(QStringLiteral("at"), QString::fromLatin1(jobTimestampNow()));
    return QJsonDocument(event).toJson(QJsonDocument::Compact);
}

} // namespace aether
