#pragma once

#include "access/role.h"
#include "server/apireply.h"

#include <QByteArray>
#include <QList>
#include <QStringList>
#include <functional>
#include <optional>

class QHttpServerRequest;

namespace aether {

struct AccessDecision;

// Sends a route's answer after the route returned ApiReply::deferred() (for
// example once a batch of jobs reached Redis). Does nothing if the client left.
using ReplySender = std::function<void(const ApiReply &)>;

// A request as a route sees it: the HTTP request, the path's {parameters} and
// who is asking (already checked against the route's role).
struct RouteContext
{
    const QHttpServerRequest &request;
    QStringList parameters;
    const AccessDecision &access;
    ReplySender answer;
};

using RouteHandler = std::function<ApiReply(const RouteContext &)>;

struct Route
{
    QByteArray method;        // "GET", "POST", ...
    QString pattern;          // "/ops/jobs/{id}", as registered
    QStringList segments;     // "/ops/jobs/{id}" -> {"ops", "jobs", "{id}"}
    std::optional<Role> role; // nullopt: public
    RouteHandler handler;
    bool publicOnLoopback = false; // no role needed from a loopback client
};

// A registered route as the API reference (GET /openapi.json) and metrics see it.
struct RouteInfo
{
    QByteArray method;
    QString pattern;
};

// Matches method + path to a route; tells apart "no such path" (404) from
// "path exists, other method" (405 with the allowed methods).
class Router
{
public:
    void add(const QByteArray &method, const QString &pattern, std::optional<Role> role,
             RouteHandler handler, bool publicOnLoopback = false);

    // Every registered method + pattern, in registration order.
    QList<RouteInfo> routes() const;

    struct Match
    {
        const Route *route = nullptr;
        QStringList parameters;
        QList<QByteArray> allowedMethods; // when the path matched but not the method
    };
    Match match(const QByteArray &method, const QString &path) const;

private:
    static bool matchPath(const Route &route, const QStringList &segments, QStringList *parameters);
    QList<Route> m_routes;
};

} // namespace aether
