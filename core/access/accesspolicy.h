#pragma once

#include "access/role.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

namespace aether {

// The credentials a request carries, as raw header values (empty = absent).
struct Credentials
{
    QByteArray apiKey;   // x-api-key
    QByteArray role;     // x-role: may lower the key's role, never raise it
    QByteArray adminKey; // x-admin-key: admin on /ops/*
    QByteArray tenant;   // x-tenant: honoured for keys whose tenant is '*'
};

struct AccessDecision
{
    int status = 200; // 200 allowed, 400, 401 or 403 (the server adds 429 for banned clients)
    QString error;    // why not, for the client
    Role role = Role::Viewer;
    QString tenant;           // where writes go: the key's tenant, or x-tenant, or "default"
    bool anyTenant = false;   // a '*' key or the admin key without x-tenant: may read every tenant
    bool operatorKey = false; // a '*' key or the admin key, whatever x-tenant says

    bool allowed() const { return status == 200; }
};

// Who may do what (README.md "Roles and keys"). Keys are stored only as
// SHA-256 digests and compared in constant time; they never appear in messages.
class AccessPolicy
{
public:
    static constexpr const char *kDevApiKey = "test-key";
    static constexpr const char *kDevAdminKey = "admin-secret-123";

    // From API_KEYS ("key:role[:tenant],...") and ADMIN_KEY. With neither set,
    // the development keys are used, and only when the server listens on
    // loopback. Returns nullopt with *error set otherwise.
    static std::optional<AccessPolicy> create(const QString &apiKeys, const QString &adminKey,
                                              bool loopbackOnly, QString *error);

    // `opsRoute`: the request is for /ops/*, where x-admin-key also grants admin.
    AccessDecision decide(const Credentials &credentials, Role required, bool opsRoute) const;

    bool usesDevelopmentKeys() const { return m_devKeys; }

    // How API_KEYS and ADMIN_KEY would let the public development keys in
    // ("no API keys are configured", "API_KEYS holds the development key
    // test-key"), or empty: a system service refuses to start with them.
    static QString developmentKeyUse(const QString &apiKeys, const QString &adminKey);

private:
    struct Key
    {
        QByteArray digest;
        Role role;
        QString tenant; // "*" = any
    };

    const Key *findKey(const QByteArray &apiKey) const;
    bool isAdminKey(const QByteArray &adminKey) const;
    static std::optional<Key> parseKey(const QString &entry, QString *error);

    QList<Key> m_keys;
    QByteArray m_adminDigest; // empty: no admin key
    bool m_devKeys = false;
};

// Tenant names: letters, digits, '.', '_' and '-', 1 to 64 characters.
bool isValidTenantName(const QString &tenant);

// Compares secrets without an early exit, so the time taken does not tell an
// attacker how much of one was right (only whether the lengths differ).
bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

} // namespace aether
