#pragma once

#include "server/router.h"

namespace aether {

// The web dashboard for servers without a window: GET / and GET /ui/{file},
// public, served from files compiled into the program (resources/dashboard/,
// plain HTML, CSS and JavaScript, no CDN). The page holds no data: it asks the
// API with the key its user enters, so serving it needs no key. Every answer
// carries a Content-Security-Policy that allows only this origin's scripts
// and styles (no inline script), nosniff, no referrer and no framing.
class DashboardRoutes
{
public:
    void registerOn(Router &router);

    // The file `name` of the dashboard with its headers; 404 for any name
    // that is not one of its files (so no path can reach anything else).
    static ApiReply file(const QString &name);
};

} // namespace aether
