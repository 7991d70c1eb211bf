#include "notify/webhookdirectory.h"

#include <QCryptographicHash>
#include <QStringList>

namespace aether {

QByteArray WebhookDirectory::keyRef(const QByteArray &apiKey)
{
    return QCryptographicHash::hash(apiKey, QCryptographicHash::Sha256).toHex().left(16);
}

bool WebhookDirectory::parsePairs(const QString &list, const char *name,
                                  QHash<QByteArray, QString> *out, QString *error)
{
    for (const QString &entry : list.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const qsizetype equals = entry.indexOf(QLatin1Char('='));
        const QString key = entry.left(equals).trimmed();
        const QString value = entry.mid(equals + 1).trimmed();
        if (equals <= 0 || key.isEmpty() || value.isEmpty()) {
            *error = QStringLiteral("%1 must look like apikey=value,...").arg(QLatin1String(name));
            return false;
        }
        out->insert(keyRef(key.toUtf8()), value);
    }
    return true;
}

bool WebhookDirectory::parse(const QString &urls, const QString &secrets,
                             const QString &defaultSecret, QString *error)
{
    m_defaultSecret = defaultSecret.trimmed().toUtf8();
    return parsePairs(urls, "WEBHOOK_URLS", &m_urls, error) &&
           parsePairs(secrets, "WEBHOOK_SECRETS", &m_secrets, error);
}

QString WebhookDirectory::defaultUrl(const QByteArray &apiKey) const
{
    return apiKey.isEmpty() ? QString() : m_urls.value(keyRef(apiKey));
}

QByteArray WebhookDirectory::secretFor(const QByteArray &ref) const
{
    const auto own = m_secrets.constFind(ref);
    return own != m_secrets.cend() ? own->toUtf8() : m_defaultSecret;
}

} // namespace aether
