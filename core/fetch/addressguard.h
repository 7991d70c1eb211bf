#pragma once

#include <QHostAddress>
#include <QString>
#include <QStringList>

namespace aether {

// Which private destinations URL jobs and webhooks may reach anyway: all of
// them (URL_ALLOW_PRIVATE=1) or only hosts named in URL_ALLOW_HOSTS (an
// intranet wiki, say). A host is matched as the URL spells it, so a redirect
// to another name or address is checked afresh.
struct PrivateAccess
{
    // Implicit from a bool so `options.allowPrivate = true` reads as it means.
    PrivateAccess(bool allowAll = false) : all(allowAll) {}
    // `hostList`: "name,..." (names or literal addresses, case-insensitive).
    PrivateAccess(bool allowAll, const QString &hostList);

    bool allows(const QString &host) const;

    bool all;
    QStringList hosts; // lower case
};

// Keeps URL jobs away from this machine and private networks (SSRF): loopback,
// RFC 1918, CGNAT, link-local (incl. 169.254.169.254 metadata), unique-local,
// multicast, unspecified and IPv4-mapped forms of these are refused unless
// private addresses are explicitly allowed (URL_ALLOW_PRIVATE=1).
class AddressGuard
{
public:
    static bool isPublic(const QHostAddress &address);

    // Resolves host (blocking) and throws IngestError("URLError", ...) if it
    // does not resolve or any of its addresses is not public, unless `access`
    // allows the host.
    static void checkHost(const QString &host, const PrivateAccess &access);
};

} // namespace aether
