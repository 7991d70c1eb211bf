#include "notify/webhooksignature.h"

#include <QMessageAuthenticationCode>

namespace aether {

QByteArray webhookSignature(const QByteArray &secret, const QByteArray &body)
{
    return QByteArray("sha256=").append(
        QMessageAuthenticationCode::hash(body, secret, QCryptographicHash::Sha256).toHex());
}

qint64 WebhookBackoff::delayAfter(int attempt) const
{
    qint64 delay = baseMs;
    for (int i = 1; i < attempt && delay < maxDelayMs; ++i)
        delay *= 2;
    return qMin(delay, maxDelayMs);
}

qint64 WebhookBackoff::nextDue(int attempt, qint64 firstAttemptMs, qint64 nowMs) const
{
    const qint64 due = nowMs + delayAfter(attempt);
    return due - firstAttemptMs > giveUpAfterMs ? -1 : due;
}

} // namespace aether
