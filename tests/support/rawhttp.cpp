#include "rawhttp.h"

#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>
#include <QJsonDocument>
#include <QTcpSocket>

namespace aether::test {

namespace {

// True once `answer` holds a whole response: headers and Content-Length bytes.
bool isComplete(const QByteArray &answer)
{
    const qsizetype headerEnd = answer.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return false;
    const QByteArray head = answer.left(headerEnd).toLower();
    const qsizetype field = head.indexOf("\r\ncontent-length:");
    if (field < 0)
        return false;
    const qsizetype valueStart = field + qsizetype(qstrlen("\r\ncontent-length:"));
    const qsizetype lineEnd = head.indexOf("\r\n", valueStart);
    const qint64 length =
        head.mid(valueStart, lineEnd < 0 ? -1 : lineEnd - valueStart).trimmed().toLongLong();
    return answer.size() >= headerEnd + 4 + length;
}

} // namespace

QByteArray rawExchange(quint16 port, const QByteArray &bytes, int quietMs)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return {};
    socket.write(bytes);
    QByteArray answer;
    while (!isComplete(answer) && socket.waitForReadyRead(quietMs))
        answer += socket.readAll();
    return answer + socket.readAll();
}

QByteArray rawRequest(quint16 port, const QByteArray &head)
{
    return rawExchange(port, head + "Connection: close\r\n\r\n");
}

RawConversation rawConversation(quint16 port, const QByteArray &bytes, int quietMs)
{
    RawConversation conversation;
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return conversation;
    socket.write(bytes);
    while (socket.state() == QAbstractSocket::ConnectedState && socket.waitForReadyRead(quietMs))
        conversation.answer += socket.readAll();
    conversation.answer += socket.readAll();
    conversation.closed = socket.state() != QAbstractSocket::ConnectedState;
    return conversation;
}

RawConversation rawConversationInParts(quint16 port, const QList<QByteArray> &parts, int pauseMs,
                                       int quietMs)
{
    RawConversation conversation;
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return conversation;
    for (const QByteArray &part : parts) {
        if (!conversation.answer.isEmpty() && socket.state() != QAbstractSocket::ConnectedState)
            break;
        socket.write(part);
        socket.waitForBytesWritten(5000);
        QElapsedTimer paused;
        paused.start();
        while (paused.elapsed() < pauseMs &&
               socket.waitForReadyRead(int(qMax<qint64>(1, pauseMs - paused.elapsed()))))
            conversation.answer += socket.readAll();
    }
    while (socket.state() == QAbstractSocket::ConnectedState && socket.waitForReadyRead(quietMs))
        conversation.answer += socket.readAll();
    conversation.answer += socket.readAll();
    conversation.closed = socket.state() != QAbstractSocket::ConnectedState;
    return conversation;
}

int statusOf(const QByteArray &answer)
{
    if (!answer.startsWith("HTTP/1.1 "))
        return 0;
    return answer.mid(9, 3).toInt();
}

QJsonObject jsonBodyOf(const QByteArray &answer)
{
    const qsizetype bodyStart = answer.indexOf("\r\n\r\n");
    if (bodyStart < 0)
        return {};
    return QJsonDocument::fromJson(answer.mid(bodyStart + 4)).object();
}

qint64 residentKb(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return 0;
}

} // namespace aether::test
