#include "server/httpwire.h"

#include "fetch/httpreason.h"

#include <QJsonDocument>

namespace aether {

QByteArray httpResponseBytes(const ApiReply &reply, bool closeConnection)
{
    const bool raw = !reply.rawContentType.isEmpty();
    const QByteArray body =
        raw ? reply.rawBody : QJsonDocument(reply.body).toJson(QJsonDocument::Compact);
    const QByteArray contentType = raw ? reply.rawContentType : "application/json";
    QByteArray bytes;
    bytes.reserve(body.size() + 160);
    bytes += "HTTP/1.1 " + QByteArray::number(reply.status) + ' ' + httpReasonPhrase(reply.status) +
             "\r\nContent-Type: " + contentType +
             "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    for (const auto &[name, value] : reply.headers)
        bytes += name + ": " + value + "\r\n";
    if (closeConnection)
        bytes += "Connection: close\r\n";
    bytes += "\r\n" + body;
    return bytes;
}

} // namespace aether
