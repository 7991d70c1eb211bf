#include "server/router.h"

namespace aether {

void Router::add(const QByteArray &method, const QString &pattern, std::optional<Role> role,
                 RouteHandler handler, bool publicOnLoopback)
{
    m_routes.append(Route{method, pattern, pattern.split(QLatin1Char('/'), Qt::SkipEmptyParts),
                          role, std::move(handler), publicOnLoopback});
}

QList<RouteInfo> Router::routes() const
{
    QList<RouteInfo> infos;
    infos.reserve(m_routes.size());
    for (const Route &route : m_routes)
        infos.append(RouteInfo{route.method, route.pattern});
    return infos;
}

bool Router::matchPath(const Route &route, const QStringList &segments, QStringList *parameters)
{
    if (route.segments.size() != segments.size())
        return false;
    QStringList captured;
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const QString &expected = route.segments[i];
        if (expected.startsWith(QLatin1Char('{')))
            captured.append(segments[i]);
        else if (expected != segments[i])
            return false;
    }
    *parameters = captured;
    return true;
}

Router::Match Router::match(const QByteArray &method, const QString &path) const
{
    const QStringList segments = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    Match result;
    for (const Route &route : m_routes) {
        QStringList parameters;
        if (!matchPath(route, segments, &parameters))
            continue;
        if (route.method == method || (method == "HEAD" && route.method == "GET")) {
            result.route = &route;
            result.parameters = parameters;
            return result;
        }
        result.allowedMethods.append(route.method);
    }
    return result;
}

} // namespace aether
