#include "server/admittedrequests.h"

#include <QCryptographicHash>
#include <QTcpSocket>

namespace aether {

AdmittedRequests::AdmittedRequests(QTcpSocket *socket) : QObject(socket) {}

AdmittedRequests *AdmittedRequests::of(QTcpSocket *socket)
{
    if (auto *existing =
            socket->findChild<AdmittedRequests *>(QString(), Qt::FindDirectChildrenOnly))
        return existing;
    return new AdmittedRequests(socket);
}

// A digest, so that the keys are not kept in memory longer than the request.
QByteArray AdmittedRequest::digestOfKeys(const QByteArray &apiKey, const QByteArray &adminKey)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(QByteArray::number(apiKey.size()));
    hash.addData(":");
    hash.addData(apiKey);
    hash.addData(adminKey);
    return hash.result();
}

std::optional<AdmittedRequest> AdmittedRequests::take()
{
    if (m_waiting.isEmpty())
        return std::nullopt;
    return m_waiting.dequeue();
}

std::optional<AdmittedRequest> AdmittedRequests::takeLast()
{
    if (m_waiting.isEmpty())
        return std::nullopt;
    return m_waiting.takeLast();
}

} // namespace aether
