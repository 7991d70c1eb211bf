#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

namespace aether {

// Who gets webhooks by default and how they are signed, from the settings:
// WEBHOOK_URLS ("apikey=url,..."), WEBHOOK_SECRETS ("apikey=secret,...") and
// WEBHOOK_SECRET (for keys without their own). Jobs store only a key
// reference (a digest prefix), never the key or the secret.
class WebhookDirectory
{
public:
    WebhookDirectory() = default;
    // nullopt-like: returns false with *error on a malformed list.
    bool parse(const QString &urls, const QString &secrets, const QString &defaultSecret,
               QString *error);

    // The reference stored with a job for the key that queued it.
    static QByteArray keyRef(const QByteArray &apiKey);
    QString defaultUrl(const QByteArray &apiKey) const;
    // Empty when no secret applies (deliveries then go unsigned).
    QByteArray secretFor(const QByteArray &keyRef) const;

private:
    static bool parsePairs(const QString &list, const char *name, QHash<QByteArray, QString> *out,
                           QString *error);

    QHash<QByteArray, QString> m_urls;    // by key reference
    QHash<QByteArray, QString> m_secrets; // by key reference
    QByteArray m_defaultSecret;
};

} // namespace aether
