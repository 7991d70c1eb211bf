#include "server/httpwire.h"

#include "fetch/httpreason.h"

#include <QJsonDocument>

namespace aether {

QByteArray httpResponseBytes(const ApiReply &reply, bool closeConnection)
{
    const QByteArray body = QJsonDocument(reply.body).toJson(QJsonDocument::Compact);
    QByteArray bytes;
    bytes.reserve(body.size() + 160);
    bytes +=
        "HTTP/1.1 " + QByteArray::number(reply.status) + ' ' + httpReasonPhrase(reply.status) +
        "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
        "\r\n";
    for (const auto &[name, value] : reply.headers)
        bytes += name + ": " + value + "\r\n";
    if (closeConnection)
        bytes += "Connection: close\r\n";
    bytes += "\r\n" + body;
    return bytes;
}

} // namespace aether
