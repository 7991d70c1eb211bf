#include "server/connectionguard.h"

#include "server/connectionwatch.h"

#include <QTcpSocket>
#include <utility>

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

QTcpSocket *ConnectionGuard::nextPendingConnection()
{
    QTcpSocket *socket = QTcpServer::nextPendingConnection();
    if (socket)
        m_handedOver.append(socket);
    return socket;
}

// Connected after QAbstractHttpServer's handler of the same signal, which
// connects its readyRead handler to each socket it takes: connections made
// here come after it.
void ConnectionGuard::followServerReads()
{
    connect(this, &QTcpServer::pendingConnectionAvailable, this, [this] {
        for (const QPointer<QTcpSocket> &socket : std::exchange(m_handedOver, {})) {
            if (auto *watch = socket ? socket->findChild<ConnectionWatch *>(
                                           QString(), Qt::FindDirectChildrenOnly)
                                     : nullptr)
                watch->followServerReads();
        }
    });
}

} // namespace aether
