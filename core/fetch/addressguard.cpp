#include "fetch/addressguard.h"

#include "base/ingesterror.h"

#include <QHostInfo>
#include <QList>
#include <QNetworkInterface>
#include <QPair>
#include <algorithm>

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
        "0.0.0.0/8",       // "this network", includes the unspecified 0.0.0.0
        "10.0.0.0/8",      // RFC 1918
        "100.64.0.0/10",   // carrier-grade NAT
        "127.0.0.0/8",     // loopback
        "169.254.0.0/16",  // link-local, includes the cloud metadata 169.254.169.254
        "172.16.0.0/12",   // RFC 1918
        "192.0.0.0/24",    // IETF protocol assignments
        "192.0.2.0/24",    // documentation (TEST-NET-1)
        "192.88.99.0/24",  // 6to4 relay anycast (deprecated)
        "192.168.0.0/16",  // RFC 1918
        "198.18.0.0/15",   // benchmarking
        "198.51.100.0/24", // documentation (TEST-NET-2)
        "203.0.113.0/24",  // documentation (TEST-NET-3)
        "224.0.0.0/4",     // multicast
        "240.0.0.0/4",     // reserved, includes broadcast 255.255.255.255
    });
    return list;
}

const QList<Subnet> &nonPublicIpv6()
{
    static const QList<Subnet> list = subnets({
        "::/128",         // unspecified
        "::1/128",        // loopback
        "64:ff9b:1::/48", // local-use NAT64: translates into a private network
        "100::/64",       // discard-only
        "2001:db8::/32",  // documentation
        "2001:10::/28",   // ORCHID, not routable
        "fe80::/10",      // link-local
        "fec0::/10",      // deprecated site-local, still routed inside some networks
        "fc00::/7",       // unique-local
        "ff00::/8",       // multicast
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

QHostAddress ipv4At(const Q_IPV6ADDR &bytes, int offset, quint8 mask = 0)
{
    quint32 ipv4 = 0;
    for (int i = offset; i < offset + 4; ++i)
        ipv4 = (ipv4 << 8) | quint8(bytes[i] ^ mask);
    return QHostAddress(ipv4);
}

// IPv6 forms that carry an IPv4 address the kernel, a relay or a NAT64
// gateway would reach: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64
// (64:ff9b::a.b.c.d), 6to4 (2002:aabb:ccdd::/48) and Teredo (2001:0::/32, the
// server's address in clear, the client's inverted). Empty for anything else.
QList<QHostAddress> embeddedIpv4(const QHostAddress &address)
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
    if (mapped || compatible || nat64)
        return {ipv4At(bytes, 12)};
    if (bytes[0] == 0x20 && bytes[1] == 0x02) // 6to4
        return {ipv4At(bytes, 2)};
    if (bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0 && bytes[3] == 0) // Teredo
        return {ipv4At(bytes, 4), ipv4At(bytes, 12, 0xff)};
    return {};
}

// The address itself, and for IPv6 forms that carry IPv4 those too.
QList<QHostAddress> addressAndEmbedded(const QHostAddress &address)
{
    QList<QHostAddress> all{address};
    if (address.protocol() == QHostAddress::IPv6Protocol)
        all += embeddedIpv4(address);
    return all;
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
    const QString why = AddressGuard::refusal(address);
    if (why.isEmpty())
        return;
    throw IngestError(QStringLiteral("URLError"),
                      QStringLiteral("refused address %1 for host %2 (%3; name the host in "
                                     "URL_ALLOW_HOSTS, or set URL_ALLOW_PRIVATE=1, to allow)")
                          .arg(address.toString(), host, why));
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
        const QList<QHostAddress> carried = embeddedIpv4(address);
        return std::all_of(carried.begin(), carried.end(),
                           [](const QHostAddress &ipv4) { return isPublic(ipv4); });
    }
    default:
        // Null addresses and QHostAddress::Any name no single public host.
        return false;
    }
}

bool AddressGuard::isOwnAddress(const QHostAddress &address)
{
    // Read at every check: interfaces and their addresses come and go.
    const QList<QHostAddress> own = QNetworkInterface::allAddresses();
    for (QHostAddress candidate : addressAndEmbedded(address)) {
        candidate.setScopeId(QString());
        for (QHostAddress mine : own) {
            mine.setScopeId(QString());
            if (candidate.isEqual(mine, QHostAddress::ConvertV4MappedToIPv4))
                return true;
        }
    }
    return false;
}

QString AddressGuard::refusal(const QHostAddress &address)
{
    // Own addresses first: the most telling reason when both apply.
    if (isOwnAddress(address))
        return QStringLiteral("an address of this machine, private to URL jobs");
    if (!isPublic(address))
        return QStringLiteral("a private, loopback, link-local or reserved address");
    return QString();
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
