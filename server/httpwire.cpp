#include "server/httpwire.h"

#include "fetch/httpreason.h"

#include <QJsonDocument>

namespace aether {

QByteArray serverReasonPhrase(int status)
{
    // Statuses only a server sends, which the client side's table lacks.
    switch (status) {
    case 421:
        return QByteArrayLiteral("Misdirected Request");
    case 505:
        return QByteArrayLiteral("HTTP Version Not Supported");
    default:
        return httpReasonPhrase(status);
    }
}

QByteArray httpResponseBytes(const ApiReply &reply, bool closeConnection, bool withoutBody)
{
    const bool raw = !reply.rawContentType.isEmpty();
    const QByteArray body =
        raw ? reply.rawBody : QJsonDocument(reply.body).toJson(QJsonDocument::Compact);
    const QByteArray contentType = raw ? reply.rawContentType : "application/json";
    QByteArray bytes;
    bytes.reserve(body.size() + 160);
    bytes += "HTTP/1.1 " + QByteArray::number(reply.status) + ' ' +
             serverReasonPhrase(reply.status) + "\r\nContent-Type: " + contentType +
             "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    for (const auto &[name, value] : reply.headers)
        bytes += name + ": " + value + "\r\n";
    if (closeConnection)
        bytes += "Connection: close\r\n";
    bytes += "\r\n";
    if (!withoutBody)
        bytes += body;
    return bytes;
}

} // namespace aether
