#include "base/ingesterror.h"
#include "fetch/addressguard.h"

#include <QNetworkInterface>
#include <QTest>

using aether::AddressGuard;
using aether::IngestError;

// Tests the SSRF guard that keeps URL jobs away from this machine and private networks.
class TestAddressGuard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void isPublic_data();
    void isPublic();
    void checkHostAllowsPublicLiteral();
    void checkHostRefusesLoopback_data();
    void checkHostRefusesLoopback();
    void checkHostAllowPrivateSkipsChecks();
    void checkHostAllowsOnlyTheNamedPrivateHosts();
    void checkHostUnresolvableIsTransient();
    void ownAddressesAreRefused();
};

void TestAddressGuard::isPublic_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("expected");

    const QList<QPair<const char *, bool>> rows = {
        // public
        {"8.8.8.8", true},
        {"1.1.1.1", true},
        {"93.184.216.34", true},
        {"172.15.255.255", true},
        {"172.32.0.1", true},
        {"100.63.255.255", true},
        {"100.128.0.1", true},
        {"192.0.1.1", true},
        {"198.17.255.255", true},
        {"198.20.0.1", true},
        {"223.255.255.254", true},
        {"2606:4700:4700::1111", true},
        {"2001:4860:4860::8888", true},
        {"::ffff:8.8.8.8", true},
        // loopback and unspecified
        {"127.0.0.1", false},
        {"127.255.255.254", false},
        {"::1", false},
        {"0.0.0.0", false},
        {"0.1.2.3", false},
        {"::", false},
        // RFC 1918 and CGNAT
        {"10.0.0.1", false},
        {"10.255.255.255", false},
        {"172.16.0.1", false},
        {"172.31.255.255", false},
        {"192.168.1.1", false},
        {"100.64.0.1", false},
        {"100.127.255.255", false},
        // link-local, including cloud metadata
        {"169.254.169.254", false},
        {"169.254.0.1", false},
        {"fe80::1", false},
        {"febf::1", false},
        // unique-local, multicast, special and reserved
        {"fc00::1", false},
        {"fd12:3456:789a::1", false},
        {"ff02::1", false},
        {"224.0.0.1", false},
        {"239.255.255.250", false},
        {"255.255.255.255", false},
        {"240.0.0.1", false},
        {"192.0.0.8", false},
        {"198.18.0.1", false},
        {"198.19.255.255", false},
        // IPv6 forms carrying a private IPv4 address
        {"::ffff:127.0.0.1", false},
        {"::ffff:10.0.0.1", false},
        {"::ffff:169.254.169.254", false},
        {"::ffff:192.168.0.1", false},
        {"::127.0.0.1", false},
        {"::10.1.2.3", false},
        {"64:ff9b::127.0.0.1", false},
        {"64:ff9b::10.0.0.1", false},
        {"64:ff9b::8.8.8.8", true},
        {"64:ff9b:1::8.8.8.8", false}, // local-use NAT64 leads into a private network
        // documentation ranges, in every spelling
        {"192.0.2.1", false},
        {"198.51.100.7", false},
        {"203.0.113.255", false},
        {"::ffff:192.0.2.1", false},
        {"::ffff:198.51.100.7", false},
        {"::ffff:203.0.113.9", false},
        {"2001:db8::1", false},
        {"2001:db8:ffff::1", false},
        {"2001:db9::1", true},
        {"192.88.99.1", false},
        {"100::1", false},
        {"fec0::1", false},
        // 6to4 (2002:aabb:ccdd::) carries its IPv4 in bits 16-47
        {"2002:7f00:1::1", false},    // 127.0.0.1
        {"2002:a00:1::1", false},     // 10.0.0.1
        {"2002:a9fe:a9fe::1", false}, // 169.254.169.254
        {"2002:c000:201::1", false},  // 192.0.2.1
        {"2002:808:808::1", true},    // 8.8.8.8
        // Teredo (2001:0::/32): server in clear, client inverted in the last 32 bits
        {"2001:0:808:808::fefe:fefe", true},             // server 8.8.8.8, client 1.1.1.1
        {"2001:0:808:808::80ff:fffe", false},            // client 127.0.0.1
        {"2001:0:a00:1::fefe:fefe", false},              // server 10.0.0.1
        {"2001:0:4136:e378:8000:63bf:3fff:fdd2", false}, // RFC 4380's example: client 192.0.2.45
        // IPv4-compatible forms
        {"::192.0.2.1", false},
        {"::8.8.8.8", true},
    };
    for (const auto &[address, expected] : rows)
        QTest::newRow(address) << QString::fromLatin1(address) << expected;
}

void TestAddressGuard::isPublic()
{
    QFETCH(QString, address);
    QFETCH(bool, expected);
    const QHostAddress parsed(address);
    QVERIFY2(!parsed.isNull(), qPrintable(address));
    QCOMPARE(AddressGuard::isPublic(parsed), expected);
}

void TestAddressGuard::checkHostAllowsPublicLiteral()
{
    AddressGuard::checkHost(QStringLiteral("8.8.8.8"), false);
    AddressGuard::checkHost(QStringLiteral("2606:4700:4700::1111"), false);
}

void TestAddressGuard::checkHostRefusesLoopback_data()
{
    QTest::addColumn<QString>("host");
    QTest::newRow("ipv4 literal") << QStringLiteral("127.0.0.1");
    QTest::newRow("ipv6 literal") << QStringLiteral("::1");
    QTest::newRow("bracketed ipv6") << QStringLiteral("[::1]");
    QTest::newRow("mapped ipv6") << QStringLiteral("::ffff:127.0.0.1");
    QTest::newRow("metadata") << QStringLiteral("169.254.169.254");
    QTest::newRow("localhost name") << QStringLiteral("localhost");
}

void TestAddressGuard::checkHostRefusesLoopback()
{
    QFETCH(QString, host);
    try {
        AddressGuard::checkHost(host, false);
        QFAIL("expected IngestError");
    } catch (const IngestError &error) {
        QCOMPARE(error.kind(), QStringLiteral("URLError"));
        QVERIFY2(error.message().startsWith(QStringLiteral("refused address ")),
                 qPrintable(error.message()));
        QVERIFY(error.message().contains(QStringLiteral("URL_ALLOW_PRIVATE=1")));
        QVERIFY(!error.isTransient());
    }
}

void TestAddressGuard::checkHostAllowPrivateSkipsChecks()
{
    AddressGuard::checkHost(QStringLiteral("127.0.0.1"), true);
    AddressGuard::checkHost(QStringLiteral("192.168.1.1"), true);
}

// URL_ALLOW_HOSTS: a named host passes as the URL spells it, any case; the
// same machine under another name or address is still refused.
void TestAddressGuard::checkHostAllowsOnlyTheNamedPrivateHosts()
{
    const aether::PrivateAccess access(false, QStringLiteral(" Wiki.LAN , localhost,[::1]"));
    QCOMPARE(access.hosts, QStringList({QStringLiteral("wiki.lan"), QStringLiteral("localhost"),
                                        QStringLiteral("::1")}));
    AddressGuard::checkHost(QStringLiteral("localhost"), access);
    AddressGuard::checkHost(QStringLiteral("WIKI.lan"), access);
    AddressGuard::checkHost(QStringLiteral("::1"), access);
    QVERIFY_THROWS_EXCEPTION(IngestError,
                             AddressGuard::checkHost(QStringLiteral("127.0.0.1"), access));
    QVERIFY_THROWS_EXCEPTION(IngestError,
                             AddressGuard::checkHost(QStringLiteral("10.1.2.3"), access));
    QVERIFY(!aether::PrivateAccess(false, QString()).allows(QStringLiteral("localhost")));
    QVERIFY(aether::PrivateAccess(true, QString()).allows(QStringLiteral("10.1.2.3")));
}

void TestAddressGuard::checkHostUnresolvableIsTransient()
{
    // .invalid is reserved (RFC 2606) and never resolves.
    try {
        AddressGuard::checkHost(QStringLiteral("no-such-host.invalid"), false);
        QFAIL("expected IngestError");
    } catch (const IngestError &error) {
        QCOMPARE(error.toString(),
                 QStringLiteral("URLError: cannot resolve host no-such-host.invalid"));
        QVERIFY(error.isTransient());
    }
}

// Every address of this machine, read as the guard reads it; no traffic is sent.
void TestAddressGuard::ownAddressesAreRefused()
{
    const QList<QHostAddress> own = QNetworkInterface::allAddresses();
    QVERIFY(!own.isEmpty());
    for (const QHostAddress &address : own) {
        QVERIFY2(AddressGuard::isOwnAddress(address), qPrintable(address.toString()));
        QVERIFY2(!AddressGuard::refusal(address).isEmpty(), qPrintable(address.toString()));
        QVERIFY_THROWS_EXCEPTION(IngestError, AddressGuard::checkHost(address.toString(), false));
        if (address.protocol() != QHostAddress::IPv4Protocol)
            continue;
        const QHostAddress mapped(QStringLiteral("::ffff:") + address.toString());
        QVERIFY2(AddressGuard::isOwnAddress(mapped), qPrintable(mapped.toString()));
        QVERIFY_THROWS_EXCEPTION(
            IngestError, AddressGuard::checkHost(
                             QLatin1Char('[') + mapped.toString() + QLatin1Char(']'), false));
    }
    QVERIFY(!AddressGuard::isOwnAddress(QHostAddress(QStringLiteral("8.8.8.8"))) ||
            own.contains(QHostAddress(QStringLiteral("8.8.8.8"))));
    QVERIFY(AddressGuard::refusal(QHostAddress(QStringLiteral("8.8.8.8"))).isEmpty());
}

QTEST_GUILESS_MAIN(TestAddressGuard)
#include "tst_addressguard.moc"
