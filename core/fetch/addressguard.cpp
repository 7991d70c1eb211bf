#include "fetch/addressguard.h"

#include "ingest/ingesterror.h"

#include <QHostInfo>
#include <QList>
#include <QPair>

namespace aether {

namespace {

using Subnet = QPair<QHostAddress, int>;

QList<Subnet> subnets(std::initializer_list<const char *> cidrs)
{
    QList<Subnet> list;
    for (const char *cidr : cidrs)
        list.append(QHostAddress::parseSubnet(QString::fromLatin1(cidr)));
    return list;
}

// IPv4 ranges that reach this machine, a private network or no single host.
const QList<Subnet> &nonPublicIpv4()
{
    static const QList<Subnet> list = subnets({
        "0.0.0.0/8",      // "this network", includes the unspecified 0.0.0.0
        "10.0.0.0/8",     // RFC 1918
        "100.64.0.0/10",  // carrier-grade NAT
        "127.0.0.0/8",    // loopback
        "169.254.0.0/16", // link-local, includes the cloud metadata 169.254.169.254
        "172.16.0.0/12",  // RFC 1918
        "192.0.0.0/24",   // IETF protocol assignments
        "192.168.0.0/16", // RFC 1918
        "198.18.0.0/15",  // benchmarking
        "224.0.0.0/4",    // multicast
        "240.0.0.0/4",    // reserved, includes broadcast 255.255.255.255
    });
    return list;
}

const QList<Subnet> &nonPublicIpv6()
{
    static const QList<Subnet> list = subnets({
        "::/128",    // unspecified
        "::1/128",   // loopback
        "fe80::/10", // link-local
        "fec0::/10", // deprecated site-local, still routed inside some networks
        "fc00::/7",  // unique-local
        "ff00::/8",  // multicast
    });
    return list;
}

bool inAny(const QHostAddress &address, const QList<Subnet> &list)
{
    for (const Subnet &subnet : list) {
        if (address.isInSubnet(subnet))
            return true;
    }
    return false;
}

// IPv6 forms that carry an IPv4 address the kernel or a NAT64 gateway would
// reach: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d).
// Returns a null address for anything else.
QHostAddress embeddedIpv4(const QHostAddress &address)
{
    const Q_IPV6ADDR bytes = address.toIPv6Address();
    const auto allZero = [&bytes](int from, int to) {
        for (int i = from; i < to; ++i) {
            if (bytes[i] != 0)
                return false;
        }
        return true;
    };
    const bool mapped = allZero(0, 10) && bytes[10] == 0xff && bytes[11] == 0xff;
    const bool compatible = allZero(0, 12);
    const bool nat64 = bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff &&
                       bytes[3] == 0x9b && allZero(4, 12);
    if (!mapped && !compatible && !nat64)
        return QHostAddress();
    const quint32 ipv4 = (quint32(bytes[12]) << 24) | (quint32(bytes[13]) << 16) |
                         (quint32(bytes[14]) << 8) | quint32(bytes[15]);
    return QHostAddress(ipv4);
}

QHostAddress parseLiteral(const QString &host)
{
    QString literal = host;
    if (literal.startsWith(QLatin1Char('[')) && literal.endsWith(QLatin1Char(']')))
        literal = literal.mid(1, literal.size() - 2);
    return QHostAddress(literal);
}

void checkAddress(const QHostAddress &address, const QString &host)
{
    if (AddressGuard::isPublic(address))
        return;
    throw IngestError(QStringLiteral("URLError"),
                      QStringLiteral("refused address %1 for host %2 (private, loopback or "
                                     "link-local; name the host in URL_ALLOW_HOSTS, or set "
                                     "URL_ALLOW_PRIVATE=1, to allow)")
                          .arg(address.toString(), host));
}

} // namespace

bool AddressGuard::isPublic(const QHostAddress &address)
{
    switch (address.protocol()) {
    case QHostAddress::IPv4Protocol:
        return !inAny(address, nonPublicIpv4());
    case QHostAddress::IPv6Protocol: {
        if (inAny(address, nonPublicIpv6()))
            return false;
        const QHostAddress ipv4 = embeddedIpv4(address);
        return ipv4.isNull() || isPublic(ipv4);
    }
    default:
        // Null addresses and QHostAddress::Any name no single public host.
        return false;
    }
}

PrivateAccess::PrivateAccess(bool allowAll, const QString &hostList) : all(allowAll)
{
    for (const QString &host : hostList.split(u',', Qt::SkipEmptyParts)) {
        QString name = host.trimmed().toLower();
        if (name.startsWith(u'[') && name.endsWith(u']')) // QUrl::host() has no brackets
            name = name.mid(1, name.size() - 2);
        if (!name.isEmpty())
            hosts.append(name);
    }
}

bool PrivateAccess::allows(const QString &host) const
{
    return all || (!hosts.isEmpty() && hosts.contains(host.toLower()));
}

void AddressGuard::checkHost(const QString &host, const PrivateAccess &access)
{
    if (access.allows(host))
        return;
    const QHostAddress literal = parseLiteral(host);
    if (!literal.isNull()) {
        checkAddress(literal, host);
        return;
    }
    const QHostInfo info = QHostInfo::fromName(host);
    if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
        throw IngestError(QStringLiteral("URLError"),
                          QStringLiteral("cannot resolve host %1").arg(host),
                          IngestError::Retry::Transient);
    }
    // Every address must pass: the connection may use any of them.
    for (const QHostAddress &address : info.addresses())
        checkAddress(address, host);
}

} // namespace aether
