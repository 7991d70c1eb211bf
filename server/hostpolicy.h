#pragma once

#include <QByteArray>
#include <QStringList>

namespace aether {

// Which Host headers the API answers, against DNS rebinding (as Transmission
// does): a web page whose name an attacker points at 127.0.0.1 must not reach
// a local API. A server listening on loopback answers only Host names that are
// loopback ("localhost", 127.x.y.z, [::1]) or configured (ALLOWED_HOSTS); one
// listening on other addresses answers any Host unless names are configured,
// in which case also its own address literals. A request without Host
// (HTTP/1.0 tools) is answered.
class HostPolicy
{
public:
    HostPolicy() = default;
    HostPolicy(bool loopbackOnly, const QString &allowedHosts);

    bool allows(const QByteArray &hostHeader) const;

    // "[::1]:8000" -> "::1", "Example.org:80" -> "example.org"
    static QString hostName(const QByteArray &hostHeader);

private:
    bool m_loopbackOnly = false;
    QStringList m_allowed; // lower case
};

} // namespace aether
