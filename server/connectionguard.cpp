#include "server/connectionguard.h"

#include "server/connectionwatch.h"

#include <QTcpSocket>

namespace aether {

ConnectionGuard::ConnectionGuard(qint64 maxBodyBytes, QObject *parent) : QTcpServer(parent)
{
    m_rules->maxBodyBytes = maxBodyBytes;
}

void ConnectionGuard::incomingConnection(qintptr socketDescriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    new ConnectionWatch(socket, m_rules);
    addPendingConnection(socket);
}

} // namespace aether
