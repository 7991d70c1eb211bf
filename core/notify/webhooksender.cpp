#include "notify/webhooksender.h"

#include "base/ingesterror.h"
#include "fetch/addressguard.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

namespace aether {

WebhookAttempt WebhookSender::post(const QUrl &url, const QByteArray &body,
                                   const QByteArray &signature) const
{
    WebhookAttempt attempt;
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https")) {
        attempt.error = QStringLiteral("URLError: webhook URL must be http or https");
        attempt.refused = true;
        return attempt;
    }
    // Refused at enqueue too; a delivery queued before that rule must not send them.
    if (!url.userInfo().isEmpty()) {
        attempt.error = QStringLiteral("URLError: webhook URL must not carry user:password@");
        attempt.refused = true;
        return attempt;
    }
    try {
        AddressGuard::checkHost(url.host(), m_allowPrivate);
    } catch (const IngestError &refused) {
        attempt.error = refused.toString();
        attempt.refused = true;
        return attempt;
    }
    QNetworkAccessManager manager;
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("User-Agent", "aether-ingest-webhook");
    if (!signature.isEmpty())
        request.setRawHeader("X-Aether-Signature", signature);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(m_timeoutMs);
    QNetworkReply *reply = manager.post(request, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    attempt.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (attempt.httpStatus == 0)
        attempt.error = QStringLiteral("ConnectionError: ") + reply->errorString();
    else if (attempt.httpStatus < 200 || attempt.httpStatus >= 300)
        attempt.error = QStringLiteral("HTTPError: %1").arg(attempt.httpStatus);
    reply->deleteLater();
    return attempt;
}

} // namespace aether
