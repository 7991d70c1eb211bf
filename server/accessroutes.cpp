#include "server/accessroutes.h"

#include "access/accesspolicy.h"

namespace aether {

void AccessRoutes::registerOn(Router &router)
{
    router.add("GET", QStringLiteral("/auth/whoami"), Role::Viewer,
               [](const RouteContext &context) {
                   const AccessDecision &access = context.access;
                   return ApiReply::ok({{QStringLiteral("role"), roleName(access.role)},
                                        {QStringLiteral("tenant"), access.tenant},
                                        {QStringLiteral("any_tenant"), access.anyTenant}});
               });
}

} // namespace aether
