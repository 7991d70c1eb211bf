#pragma once

#include <QTcpServer>

class QTcpSocket;

namespace aether {

// The TCP server handed to QHttpServer::bind(); it watches each connection's
// bytes before QHttpServer reads them, because QHttpServer 6.4 has no limits:
// - a Content-Length over the limit is answered 413 at once and its body is
//   discarded unread; chunked bodies (size unknown up front) get 411;
//   header blocks over kMaxHeaderBytes get 431; "Expect: 100-continue" is
//   answered so clients do not stall;
// - slow and idle clients are cut off (QHttpServer would keep them forever):
//   a header block must arrive within the idle timeout of its first byte
//   (408), a body that stops arriving for that long gets 408, and a connection
//   with no request in progress and nothing left to answer is closed after it.
class ConnectionGuard : public QTcpServer
{
    Q_OBJECT

public:
    explicit ConnectionGuard(qint64 maxBodyBytes, QObject *parent = nullptr);

    static constexpr qint64 kMaxHeaderBytes = 64 * 1024;
    static constexpr int kDefaultIdleTimeoutMs = 60 * 1000;

    void setIdleTimeout(int milliseconds) { m_idleTimeoutMs = milliseconds; }

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    qint64 m_maxBodyBytes;
    int m_idleTimeoutMs = kDefaultIdleTimeoutMs;
};

} // namespace aether
