#include "access/accesspolicy.h"

#include <QCryptographicHash>
#include <QRegularExpression>

namespace aether {

namespace {

const QString kDefaultTenant = QStringLiteral("default");

QByteArray digestOf(const QByteArray &secret)
{
    return QCryptographicHash::hash(secret, QCryptographicHash::Sha256);
}

AccessDecision deny(int status, const QString &error)
{
    AccessDecision decision;
    decision.status = status;
    decision.error = error;
    return decision;
}

} // namespace

bool isValidTenantName(const QString &tenant)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    return pattern.match(tenant).hasMatch();
}

std::optional<AccessPolicy::Key> AccessPolicy::parseKey(const QString &entry, QString *error)
{
    const QStringList fields = entry.trimmed().split(QLatin1Char(':'));
    if (fields.size() < 2 || fields.size() > 3 || fields[0].isEmpty()) {
        *error = QStringLiteral("API_KEYS entries must look like key:role[:tenant]");
        return std::nullopt;
    }
    const std::optional<Role> role = roleFromName(fields[1]);
    if (!role) {
        *error = QStringLiteral("API_KEYS role must be viewer, editor or admin, not '%1'")
                     .arg(fields[1]);
        return std::nullopt;
    }
    const QString tenant = fields.size() == 3 ? fields[2].trimmed() : kDefaultTenant;
    if (tenant != QLatin1String("*") && !isValidTenantName(tenant)) {
        *error = QStringLiteral("API_KEYS tenant '%1' is not a valid tenant name").arg(tenant);
        return std::nullopt;
    }
    return Key{digestOf(fields[0].trimmed().toUtf8()), *role, tenant};
}

QString AccessPolicy::developmentKeyUse(const QString &apiKeys, const QString &adminKey)
{
    if (apiKeys.trimmed().isEmpty() && adminKey.trimmed().isEmpty())
        return QStringLiteral("no API keys are configured, so the development keys %1 and %2 "
                              "would be accepted")
            .arg(QLatin1String(kDevApiKey), QLatin1String(kDevAdminKey));
    for (const QString &entry : apiKeys.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString key = entry.trimmed().section(QLatin1Char(':'), 0, 0);
        if (key == QLatin1String(kDevApiKey) || key == QLatin1String(kDevAdminKey))
            return QStringLiteral("API_KEYS holds the development key %1").arg(key);
    }
    if (adminKey.trimmed() == QLatin1String(kDevAdminKey) ||
        adminKey.trimmed() == QLatin1String(kDevApiKey))
        return QStringLiteral("ADMIN_KEY is the development key %1").arg(adminKey.trimmed());
    return {};
}

std::optional<AccessPolicy> AccessPolicy::create(const QString &apiKeys, const QString &adminKey,
                                                 bool loopbackOnly, QString *error)
{
    AccessPolicy policy;
    if (apiKeys.trimmed().isEmpty() && adminKey.trimmed().isEmpty()) {
        if (!loopbackOnly) {
            *error =
                QStringLiteral("no API keys configured: the development keys are accepted only on "
                               "loopback. Set API_KEYS and ADMIN_KEY, or listen on 127.0.0.1");
            return std::nullopt;
        }
        policy.m_devKeys = true;
        policy.m_keys.append(Key{digestOf(kDevApiKey), Role::Admin, QStringLiteral("*")});
        policy.m_adminDigest = digestOf(kDevAdminKey);
        return policy;
    }
    for (const QString &entry : apiKeys.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const std::optional<Key> key = parseKey(entry, error);
        if (!key)
            return std::nullopt;
        policy.m_keys.append(*key);
    }
    if (!adminKey.trimmed().isEmpty())
        policy.m_adminDigest = digestOf(adminKey.trimmed().toUtf8());
    return policy;
}

const AccessPolicy::Key *AccessPolicy::findKey(const QByteArray &apiKey) const
{
    const QByteArray digest = digestOf(apiKey);
    const Key *found = nullptr;
    for (const Key &key : m_keys) { // no early exit: every key is compared
        if (constantTimeEquals(key.digest, digest) && !found)
            found = &key;
    }
    return found;
}

bool AccessPolicy::isAdminKey(const QByteArray &adminKey) const
{
    return !m_adminDigest.isEmpty() && constantTimeEquals(m_adminDigest, digestOf(adminKey));
}

AccessDecision AccessPolicy::decide(const Credentials &credentials, Role required,
                                    bool opsRoute) const
{
    const QString requestedTenant = QString::fromUtf8(credentials.tenant).trimmed();
    if (!requestedTenant.isEmpty() && !isValidTenantName(requestedTenant))
        return deny(400, QStringLiteral("x-tenant must be 1-64 letters, digits, '.', '_' or '-'"));

    if (opsRoute && !credentials.adminKey.isEmpty() && isAdminKey(credentials.adminKey)) {
        AccessDecision decision;
        decision.role = Role::Admin;
        decision.tenant = requestedTenant.isEmpty() ? kDefaultTenant : requestedTenant;
        decision.anyTenant = requestedTenant.isEmpty();
        decision.operatorKey = true;
        return decision;
    }
    if (credentials.apiKey.isEmpty()) {
        if (!credentials.adminKey.isEmpty())
            return deny(401, opsRoute
                                 ? QStringLiteral("invalid admin key")
                                 : QStringLiteral(
                                       "x-admin-key is accepted on /ops/* only; send x-api-key"));
        return deny(401, QStringLiteral("missing API key: send the x-api-key header"));
    }
    const Key *key = findKey(credentials.apiKey);
    if (!key)
        return deny(401, QStringLiteral("invalid API key"));

    Role role = key->role;
    if (!credentials.role.isEmpty()) {
        const std::optional<Role> asked = roleFromName(QString::fromUtf8(credentials.role));
        if (!asked)
            return deny(400, QStringLiteral("x-role must be viewer, editor or admin"));
        role = qMin(*asked, key->role); // may lower, never raise
    }
    if (role < required)
        return deny(403, QStringLiteral("forbidden: this needs the %1 role, the request has %2")
                             .arg(roleName(required), roleName(role)));

    AccessDecision decision;
    decision.role = role;
    if (key->tenant == QLatin1String("*")) {
        decision.tenant = requestedTenant.isEmpty() ? kDefaultTenant : requestedTenant;
        decision.anyTenant = requestedTenant.isEmpty();
        decision.operatorKey = true;
    } else
        decision.tenant = key->tenant;
    return decision;
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

} // namespace aether
