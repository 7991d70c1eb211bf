#pragma once

#include <QByteArray>
#include <QObject>
#include <map>

class QTcpSocket;

namespace aether {

// Keeps the answers on one connection in request order. A route may answer
// later (a job waits for its Redis batch) while a pipelined request behind it
// is answered at once; HTTP/1.1 requires the first answer to go out first.
class ReplyOrder : public QObject
{
    Q_OBJECT

public:
    // The connection's ReplyOrder, created on first use; lives as long as the socket.
    static ReplyOrder *of(QTcpSocket *socket);

    // True while an answer on the connection is still to be written, or a
    // stream holds it; the idle timeout leaves such connections open.
    static bool isBusy(const QTcpSocket *socket);

    quint64 reserve() { return m_nextSlot++; }
    // True when every answer before `slot` has been written.
    bool isNextToWrite(quint64 slot) const { return m_nextToWrite == slot; }
    void deliver(quint64 slot, QByteArray bytes, bool closeAfter);
    // The connection now carries a stream (Server-Sent Events) until it closes.
    void holdOpen() { m_streaming = true; }

private:
    explicit ReplyOrder(QTcpSocket *socket);

    struct Answer
    {
        QByteArray bytes;
        bool closeAfter = false;
    };

    QTcpSocket *m_socket;
    quint64 m_nextSlot = 0;
    quint64 m_nextToWrite = 0;
    bool m_streaming = false;
    std::map<quint64, Answer> m_waiting;
};

} // namespace aether
