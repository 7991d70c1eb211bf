// The Host-header and CORS policy of the local API, against the real daemon:
// a page on another name (DNS rebinding) gets 421, loopback names and
// configured names are answered, and no answer carries a CORS grant.
#include "daemonprocess.h"
#include "rawhttp.h"
#include "redisprocess.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTest>

using namespace aether;
using namespace aether::test;

namespace {

QByteArray getWithHost(quint16 port, const QByteArray &host, const QByteArray &extra = {})
{
    return rawRequest(port, "GET /healthz HTTP/1.1\r\nHost: " + host + "\r\n" + extra);
}

} // namespace

class TestIngestdHosts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QProcessEnvironment env = daemonEnvironment(m_redis, 0);
        env.insert(QStringLiteral("ALLOWED_HOSTS"), QStringLiteral("aether.lan"));
        QVERIFY2(m_daemon.start(env), qPrintable(m_daemon.errorText()));
        m_port = quint16(QUrl(m_daemon.baseUrl()).port());
    }

    void loopbackAndConfiguredNamesAreAnswered_data()
    {
        QTest::addColumn<QByteArray>("host");
        QTest::newRow("127.0.0.1") << QByteArray("127.0.0.1:") + QByteArray::number(m_port);
        QTest::newRow("localhost") << QByteArray("localhost:") + QByteArray::number(m_port);
        QTest::newRow("ipv6 loopback") << QByteArray("[::1]:") + QByteArray::number(m_port);
        QTest::newRow("configured") << QByteArray("Aether.LAN:") + QByteArray::number(m_port);
    }

    void loopbackAndConfiguredNamesAreAnswered()
    {
        QFETCH(QByteArray, host);
        QCOMPARE(statusOf(getWithHost(m_port, host)), 200);
    }

    void otherNamesAreRefused()
    {
        const QByteArray answer =
            getWithHost(m_port, "attacker.example:" + QByteArray::number(m_port));
        QCOMPARE(statusOf(answer), 421);
        const QJsonObject body =
            QJsonDocument::fromJson(answer.mid(answer.indexOf("\r\n\r\n") + 4)).object();
        QCOMPARE(body.value("ok").toBool(), false);
        QVERIFY(body.value("error").toString().contains(QStringLiteral("attacker.example")));
        // Refused before any route runs: an enqueue from such a page queues nothing.
        const QByteArray post = rawRequest(
            m_port, "POST /knowledge/ingest-text-async HTTP/1.1\r\nHost: attacker.example\r\n"
                    "x-api-key: test-key\r\nContent-Type: application/json\r\n"
                    "Content-Length: 13\r\n\r\n{\"text\":\"x\"}");
        QCOMPARE(statusOf(post), 421);
    }

    void noCorsGrant()
    {
        const QByteArray origin = "Origin: http://attacker.example\r\n";
        const QByteArray answer =
            getWithHost(m_port, "127.0.0.1:" + QByteArray::number(m_port), origin);
        QCOMPARE(statusOf(answer), 200);
        QVERIFY(!answer.toLower().contains("access-control-allow-origin"));
        const QByteArray preflight = rawRequest(
            m_port, "OPTIONS /knowledge/ingest-text-async HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                        origin + "Access-Control-Request-Method: POST\r\n");
        QVERIFY(statusOf(preflight) >= 400);
        QVERIFY(!preflight.toLower().contains("access-control-allow-origin"));
    }

private:
    RedisProcess m_redis;
    DaemonProcess m_daemon;
    quint16 m_port = 0;
};

QTEST_GUILESS_MAIN(TestIngestdHosts)
#include "tst_ingestd_hosts.moc"
