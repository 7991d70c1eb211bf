#pragma once

#include "server/router.h"

namespace aether {

// GET /auth/whoami (viewer): the role and tenant a key has, so that a client
// (the web dashboard, a script) shows only what the key may do. The key itself
// is never echoed.
class AccessRoutes
{
public:
    void registerOn(Router &router);
};

} // namespace aether
