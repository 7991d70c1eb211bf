#pragma once

#include "server/router.h"

namespace aether {

// GET /openapi.json, public: the API reference, an OpenAPI 3 document kept as
// a data file (server/openapi/openapi.json, compiled in as a resource) and
// checked against the registered routes by tests/server/tst_openapi.
class OpenApiRoutes
{
public:
    // The document with info.version set to this build's version.
    static QByteArray document();
    void registerOn(Router &router);
};

} // namespace aether
