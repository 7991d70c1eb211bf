#include "server/admittedrequests.h"

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

std::optional<AdmittedRequest> AdmittedRequests::take()
{
    if (m_waiting.isEmpty())
        return std::nullopt;
    return m_waiting.dequeue();
}

} // namespace aether
