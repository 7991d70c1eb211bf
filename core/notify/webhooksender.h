#pragma once

#include "fetch/addressguard.h"

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace aether {

// What one delivery attempt did: an HTTP status (0 when none came back) and,
// when it failed, why. `refused`: the address guard refused the host, so the
// receiver was never called and retrying is pointless.
struct WebhookAttempt
{
    int httpStatus = 0;
    QString error;
    bool refused = false;

    bool succeeded() const { return error.isEmpty() && httpStatus >= 200 && httpStatus < 300; }
};

// POSTs one webhook body, blocking the calling thread (a delivery thread).
// The host is resolved and checked by AddressGuard first on every attempt,
// and redirects are not followed (a redirect could lead past the guard).
class WebhookSender
{
public:
    WebhookSender(PrivateAccess allowPrivate, int timeoutMs = 10000)
        : m_allowPrivate(allowPrivate), m_timeoutMs(timeoutMs)
    {}

    WebhookAttempt post(const QUrl &url, const QByteArray &body, const QByteArray &signature) const;

private:
    PrivateAccess m_allowPrivate;
    int m_timeoutMs;
};

} // namespace aether
