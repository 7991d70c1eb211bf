#include "server/openapiroutes.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace aether {

QByteArray OpenApiRoutes::document()
{
    QFile file(QStringLiteral(":/openapi/openapi.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    QJsonObject info = root.value(QStringLiteral("info")).toObject();
    info.insert(QStringLiteral("version"), QStringLiteral(AETHER_VERSION));
    root.insert(QStringLiteral("info"), info);
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

void OpenApiRoutes::registerOn(Router &router)
{
    router.add("GET", QStringLiteral("/openapi.json"), std::nullopt,
               [document = document()](const RouteContext &) {
                   return ApiReply::raw("application/json", document);
               });
}

} // namespace aether
