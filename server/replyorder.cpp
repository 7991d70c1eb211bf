#include "server/replyorder.h"

#include <QTcpSocket>

namespace aether {

ReplyOrder::ReplyOrder(QTcpSocket *socket) : QObject(socket), m_socket(socket) {}

ReplyOrder *ReplyOrder::of(QTcpSocket *socket)
{
    if (auto *existing = socket->findChild<ReplyOrder *>(QString(), Qt::FindDirectChildrenOnly))
        return existing;
    return new ReplyOrder(socket);
}

bool ReplyOrder::isBusy(const QTcpSocket *socket)
{
    const auto *order = socket->findChild<ReplyOrder *>(QString(), Qt::FindDirectChildrenOnly);
    return order && (order->m_streaming || order->m_nextToWrite < order->m_nextSlot);
}

void ReplyOrder::deliver(quint64 slot, QByteArray bytes, bool closeAfter)
{
    m_waiting.emplace(slot, Answer{std::move(bytes), closeAfter});
    for (auto next = m_waiting.find(m_nextToWrite); next != m_waiting.end();
         next = m_waiting.find(m_nextToWrite)) {
        const Answer answer = std::move(next->second);
        m_waiting.erase(next);
        ++m_nextToWrite;
        if (m_socket->state() != QAbstractSocket::ConnectedState)
            return;
        m_socket->write(answer.bytes);
        if (answer.closeAfter) {
            m_socket->disconnectFromHost();
            return;
        }
    }
}

} // namespace aether
