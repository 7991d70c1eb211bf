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

// Keeps URL jobs and webhooks away from this machine and private networks
// (SSRF): loopback, RFC 1918, CGNAT, link-local (incl. 169.254.169.254
// metadata), unique-local, site-local, multicast, broadcast, reserved,
// documentation and benchmarking ranges, every address of this machine's own
// interfaces, and IPv6 forms that carry a refused IPv4 address (mapped,
// compatible, NAT64, 6to4, Teredo) are refused unless private addresses are
// explicitly allowed (URL_ALLOW_PRIVATE=1 or URL_ALLOW_HOSTS).
class AddressGuard
{
public:
    // Outside every special-purpose range (this machine's own addresses aside).
    static bool isPublic(const QHostAddress &address);
    // One of the addresses this machine's interfaces hold now, also when
    // spelled as an IPv6 form that carries it (e.g. ::ffff:a.b.c.d).
    static bool isOwnAddress(const QHostAddress &address);
    // Why `address` may not be reached ("a private ... address"), or an empty
    // string when it may. Needs no connection.
    static QString refusal(const QHostAddress &address);

    // Resolves host (blocking) and throws IngestError("URLError", ...) if it
    // does not resolve or any of its addresses is not public, unless `access`
    // allows the host.
    static void checkHost(const QString &host, const PrivateAccess &access);
};

} // namespace aether
