#include "access/accesspolicy.h"

#include <QTest>

using namespace aether;

class TestAccessPolicy : public QObject
{
    Q_OBJECT

private:
    static AccessPolicy configured()
    {
        QString error;
        return *AccessPolicy::create(
            QStringLiteral("ed-acme:editor:acme, vw-acme:viewer:acme, boss:admin:*, "
                           "ed-plain:editor"),
            QStringLiteral("root-key"), false, &error);
    }

private Q_SLOTS:
    void decisions_data()
    {
        QTest::addColumn<QByteArray>("apiKey");
        QTest::addColumn<QByteArray>("role");
        QTest::addColumn<QByteArray>("adminKey");
        QTest::addColumn<QByteArray>("tenant");
        QTest::addColumn<int>("required");
        QTest::addColumn<bool>("ops");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("grantedTenant");

        const int viewer = int(Role::Viewer), editor = int(Role::Editor), admin = int(Role::Admin);
        QTest::newRow("no key") << QByteArray() << QByteArray() << QByteArray() << QByteArray()
                                << editor << false << 401 << "";
        QTest::newRow("unknown key") << QByteArray("nope") << QByteArray() << QByteArray()
                                     << QByteArray() << viewer << false << 401 << "";
        QTest::newRow("editor edits") << QByteArray("ed-acme") << QByteArray() << QByteArray()
                                      << QByteArray() << editor << false << 200 << "acme";
        QTest::newRow("viewer cannot edit") << QByteArray("vw-acme") << QByteArray() << QByteArray()
                                            << QByteArray() << editor << false << 403 << "";
        QTest::newRow("viewer cannot raise")
            << QByteArray("vw-acme") << QByteArray("admin") << QByteArray() << QByteArray()
            << editor << false << 403 << "";
        QTest::newRow("editor lowered to viewer")
            << QByteArray("ed-acme") << QByteArray("viewer") << QByteArray() << QByteArray()
            << editor << false << 403 << "";
        QTest::newRow("lowered still reads")
            << QByteArray("ed-acme") << QByteArray("viewer") << QByteArray() << QByteArray()
            << viewer << false << 200 << "acme";
        QTest::newRow("editor not admin")
            << QByteArray("ed-acme") << QByteArray("admin") << QByteArray() << QByteArray() << admin
            << true << 403 << "";
        QTest::newRow("bad role header")
            << QByteArray("ed-acme") << QByteArray("root") << QByteArray() << QByteArray() << viewer
            << false << 400 << "";
        QTest::newRow("role is case-insensitive")
            << QByteArray("boss") << QByteArray("Editor") << QByteArray() << QByteArray() << editor
            << false << 200 << "default";
        QTest::newRow("tenant header ignored for fixed tenant")
            << QByteArray("ed-acme") << QByteArray() << QByteArray() << QByteArray("other")
            << editor << false << 200 << "acme";
        QTest::newRow("star key takes tenant header")
            << QByteArray("boss") << QByteArray() << QByteArray() << QByteArray("other") << editor
            << false << 200 << "other";
        QTest::newRow("star key default tenant")
            << QByteArray("boss") << QByteArray() << QByteArray() << QByteArray() << editor << false
            << 200 << "default";
        QTest::newRow("key without tenant is default")
            << QByteArray("ed-plain") << QByteArray() << QByteArray() << QByteArray("x") << editor
            << false << 200 << "default";
        QTest::newRow("bad tenant header") << QByteArray("boss") << QByteArray() << QByteArray()
                                           << QByteArray("a/b") << editor << false << 400 << "";
        QTest::newRow("admin key on ops") << QByteArray() << QByteArray() << QByteArray("root-key")
                                          << QByteArray() << admin << true << 200 << "default";
        QTest::newRow("admin key off ops") << QByteArray() << QByteArray() << QByteArray("root-key")
                                           << QByteArray() << editor << false << 401 << "";
        QTest::newRow("wrong admin key") << QByteArray() << QByteArray() << QByteArray("guess")
                                         << QByteArray() << admin << true << 401 << "";
        QTest::newRow("wrong admin key, good api key")
            << QByteArray("boss") << QByteArray() << QByteArray("guess") << QByteArray() << admin
            << true << 200 << "default";
        QTest::newRow("prefix of a key") << QByteArray("ed-acm") << QByteArray() << QByteArray()
                                         << QByteArray() << viewer << false << 401 << "";
        QTest::newRow("dev key not configured")
            << QByteArray("test-key") << QByteArray() << QByteArray() << QByteArray() << viewer
            << false << 401 << "";
    }
    void decisions()
    {
        QFETCH(QByteArray, apiKey);
        QFETCH(QByteArray, role);
        QFETCH(QByteArray, adminKey);
        QFETCH(QByteArray, tenant);
        QFETCH(int, required);
        QFETCH(bool, ops);
        QFETCH(int, status);
        QFETCH(QString, grantedTenant);
        const AccessDecision decision =
            configured().decide(Credentials{apiKey, role, adminKey, tenant}, Role(required), ops);
        QCOMPARE(decision.status, status);
        if (status == 200)
            QCOMPARE(decision.tenant, grantedTenant);
        else
            QVERIFY(!decision.error.isEmpty());
    }

    // The operator's keys ('*' and the admin key) stay the operator's when they
    // act for one tenant through x-tenant; a key bound to a tenant never is.
    void operatorKeys()
    {
        const AccessPolicy policy = configured();
        const auto decide = [&policy](const Credentials &credentials) {
            return policy.decide(credentials, Role::Admin, true);
        };
        const AccessDecision star = decide(Credentials{"boss", {}, {}, {}});
        QVERIFY(star.operatorKey && star.anyTenant);
        const AccessDecision starAsAcme = decide(Credentials{"boss", {}, {}, "acme"});
        QVERIFY(starAsAcme.operatorKey && !starAsAcme.anyTenant);
        QCOMPARE(starAsAcme.tenant, QStringLiteral("acme"));
        QVERIFY(decide(Credentials{{}, {}, "root-key", "acme"}).operatorKey);
        const AccessDecision bound =
            policy.decide(Credentials{"ed-acme", {}, {}, {}}, Role::Editor, false);
        QVERIFY(!bound.operatorKey && !bound.anyTenant);
    }

    void errorsNeverContainTheKey()
    {
        const AccessDecision decision =
            configured().decide(Credentials{"super-secret-guess", {}, {}, {}}, Role::Viewer, false);
        QVERIFY(!decision.error.contains(QStringLiteral("super-secret-guess")));
    }

    void developmentKeysOnlyOnLoopback()
    {
        QString error;
        const auto local = AccessPolicy::create({}, {}, true, &error);
        QVERIFY(local.has_value());
        QVERIFY(local->usesDevelopmentKeys());
        QCOMPARE(
            local->decide(Credentials{"test-key", "editor", {}, {}}, Role::Editor, false).status,
            200);
        QCOMPARE(
            local->decide(Credentials{"test-key", "viewer", {}, {}}, Role::Editor, false).status,
            403);
        QCOMPARE(
            local->decide(Credentials{{}, {}, "admin-secret-123", {}}, Role::Admin, true).status,
            200);
        QVERIFY(!AccessPolicy::create({}, {}, false, &error).has_value());
        QVERIFY(error.contains(QStringLiteral("loopback")));
    }

    void malformedKeyListsAreRefused_data()
    {
        QTest::addColumn<QString>("keys");
        QTest::newRow("no role") << "abc";
        QTest::newRow("bad role") << "abc:owner";
        QTest::newRow("bad tenant") << "abc:viewer:a b";
        QTest::newRow("too many fields") << "a:viewer:t:x";
    }
    void malformedKeyListsAreRefused()
    {
        QFETCH(QString, keys);
        QString error;
        QVERIFY(!AccessPolicy::create(keys, {}, true, &error).has_value());
        QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAccessPolicy)
#include "tst_accesspolicy.moc"
