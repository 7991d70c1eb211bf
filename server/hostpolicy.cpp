#include "server/hostpolicy.h"

#include <QHostAddress>

namespace aether {

HostPolicy::HostPolicy(bool loopbackOnly, const QString &allowedHosts)
    : m_loopbackOnly(loopbackOnly)
{
    for (const QString &name : allowedHosts.split(u',', Qt::SkipEmptyParts))
        m_allowed.append(name.trimmed().toLower());
}

QString HostPolicy::hostName(const QByteArray &hostHeader)
{
    QString host = QString::fromLatin1(hostHeader.trimmed()).toLower();
    if (host.startsWith(u'[')) // an IPv6 literal, with or without a port
        return host.mid(1, host.indexOf(u']') - 1);
    const qsizetype colon = host.lastIndexOf(u':');
    if (colon >= 0 && host.indexOf(u':') == colon)
        host.truncate(colon);
    if (host.endsWith(u'.'))
        host.chop(1); // "localhost." names the same host
    return host;
}

bool HostPolicy::allows(const QByteArray &hostHeader) const
{
    if (hostHeader.trimmed().isEmpty())
        return true;
    const QString name = hostName(hostHeader);
    if (m_allowed.contains(name))
        return true;
    const QHostAddress literal(name);
    if (!m_loopbackOnly)
        return m_allowed.isEmpty() || !literal.isNull();
    return name == QLatin1String("localhost") || (!literal.isNull() && literal.isLoopback());
}

} // namespace aether
