#pragma once

#include <QHostAddress>
#include <QString>

namespace aether {

// Keeps URL jobs away from this machine and private networks (SSRF): loopback,
// RFC 1918, CGNAT, link-local (incl. 169.254.169.254 metadata), unique-local,
// multicast, unspecified and IPv4-mapped forms of these are refused unless
// private addresses are explicitly allowed (URL_ALLOW_PRIVATE=1).
class AddressGuard
{
public:
    static bool isPublic(const QHostAddress &address);

    // Resolves host (blocking) and throws IngestError("URLError", ...) if it
    // does not resolve or any of its addresses is not public.
    static void checkHost(const QString &host, bool allowPrivate);
};

} // namespace aether
