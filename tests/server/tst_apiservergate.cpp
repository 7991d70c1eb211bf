// ApiServer's decisions on a request head, over real HTTP on loopback: wrong
// keys count once per request, and the desktop window's own token is never
// refused nor counted by the wrong-key ban, whatever another local client did.
#include "httpclient.h"
#include "server/apiserver.h"

#include <QTest>
#include <memory>

using namespace aether;
using namespace aether::test;

namespace {

const QByteArray kWindowToken = "a-window-token-of-the-test";
const Headers kRightKey{{"x-api-key", "test-key"}};
const Headers kWrongKey{{"x-api-key", "guessed"}};

Headers withWindowToken(Headers headers, const QByteArray &token = kWindowToken)
{
    headers.append({ApiServer::kWindowTokenHeader, token});
    return headers;
}

} // namespace

class TestApiServerGate : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ApiServer> m_server;
    std::unique_ptr<HttpClient> m_client;

    void startServer(int maxFailures)
    {
        QString error;
        std::optional<AccessPolicy> access = AccessPolicy::create({}, {}, true, &error);
        QVERIFY2(access, qPrintable(error));
        m_server = std::make_unique<ApiServer>(*access, 1024 * 1024);
        m_server->setAuthThrottle(AuthThrottle(maxFailures, 60));
        m_server->setWindowToken(kWindowToken);
        m_server->router().add("GET", QStringLiteral("/private"), Role::Viewer,
                               [](const RouteContext &) { return ApiReply::ok({}); });
        m_server->router().add("POST", QStringLiteral("/private"), Role::Viewer,
                               [](const RouteContext &) { return ApiReply::ok({}); });
        QVERIFY2(m_server->listenOn(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        m_client = std::make_unique<HttpClient>(
            QStringLiteral("http://127.0.0.1:%1").arg(m_server->port()));
    }

    int get(const Headers &headers) const
    {
        return m_client->get(QStringLiteral("/private"), headers).status;
    }

private Q_SLOTS:
    void cleanup()
    {
        m_client.reset();
        m_server.reset();
    }

    void aWrongKeyCountsOncePerRequest()
    {
        startServer(2);
        QCOMPARE(m_client->post(QStringLiteral("/private"), "{}", kWrongKey).status, 401);
        QCOMPARE(get(kRightKey), 200); // one failure so far, not two
        QCOMPARE(get(kWrongKey), 401);
        QCOMPARE(get(kRightKey), 429);
    }

    void theWindowIsNeverBanned()
    {
        startServer(2);
        QCOMPARE(get(kWrongKey), 401);
        QCOMPARE(get(kWrongKey), 401);
        QCOMPARE(get(kRightKey), 429); // the address is banned
        QCOMPARE(get(withWindowToken(kRightKey)), 200);
        QCOMPARE(get(withWindowToken(kRightKey, "a-guessed-token")), 429);
    }

    // A wrong key from the window (a stale setting) is refused, never banned.
    void theWindowsFailuresAreNotCounted()
    {
        startServer(2);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(get(withWindowToken(kWrongKey)), 401);
        QCOMPARE(get(kRightKey), 200);
    }
};

QTEST_GUILESS_MAIN(TestApiServerGate)
#include "tst_apiservergate.moc"
