#pragma once

#include <QByteArray>

namespace aether {

// The X-Aether-Signature header value of a webhook body:
// "sha256=<hex HMAC-SHA256 of the body with the secret>".
QByteArray webhookSignature(const QByteArray &secret, const QByteArray &body);

// When the next attempt of a webhook delivery is due: 2^(attempt-1) x base,
// at most 10 minutes apart; nullopt once an hour has passed since the first
// attempt (the delivery gives up).
struct WebhookBackoff
{
    qint64 baseMs = 1000;
    qint64 maxDelayMs = 10 * 60 * 1000;
    qint64 giveUpAfterMs = 60 * 60 * 1000;

    // `attempt`: attempts made so far (1 after the first failed one).
    qint64 delayAfter(int attempt) const;
    // The due time (ms) of the next attempt, or -1 when the delivery gives up.
    qint64 nextDue(int attempt, qint64 firstAttemptMs, qint64 nowMs) const;
};

} // namespace aether
