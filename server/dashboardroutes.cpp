#include "server/dashboardroutes.h"

#include <QFile>
#include <QRegularExpression>

namespace aether {

namespace {

// The dashboard loads nothing from elsewhere and runs no inline code: a
// script injected into a page (say, a job name shown unescaped) would not run.
constexpr const char *kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

QByteArray contentTypeOf(const QString &name)
{
    if (name.endsWith(QLatin1String(".html")))
        return QByteArrayLiteral("text/html; charset=utf-8");
    if (name.endsWith(QLatin1String(".js")))
        return QByteArrayLiteral("text/javascript; charset=utf-8");
    if (name.endsWith(QLatin1String(".css")))
        return QByteArrayLiteral("text/css; charset=utf-8");
    if (name.endsWith(QLatin1String(".svg")))
        return QByteArrayLiteral("image/svg+xml");
    return {};
}

} // namespace

ApiReply DashboardRoutes::file(const QString &name)
{
    // Plain file names only: the resource system has no "..", but a name is
    // checked before it is looked up anyway.
    static const QRegularExpression plainName(QStringLiteral("^[a-z0-9-]+\\.(html|js|css|svg)$"));
    QFile file(QStringLiteral(":/dashboard/") + name);
    const bool found = plainName.match(name).hasMatch() && file.open(QIODevice::ReadOnly);
    ApiReply reply = found ? ApiReply::raw(contentTypeOf(name), file.readAll())
                           : ApiReply::error(404, QStringLiteral("no such dashboard file"));
    // On every dashboard answer, the 404 too.
    reply.headers = {
        {"Content-Security-Policy", kContentSecurityPolicy},
        {"X-Content-Type-Options", "nosniff"},
        {"Referrer-Policy", "no-referrer"},
        {"X-Frame-Options", "DENY"},
        // An upgraded server serves its own page at once.
        {"Cache-Control", "no-cache"},
    };
    return reply;
}

void DashboardRoutes::registerOn(Router &router)
{
    router.add("GET", QStringLiteral("/"), std::nullopt,
               [](const RouteContext &) { return file(QStringLiteral("index.html")); });
    router.add("GET", QStringLiteral("/ui/{file}"), std::nullopt,
               [](const RouteContext &context) { return file(context.parameters.value(0)); });
}

} // namespace aether
