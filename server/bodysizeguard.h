#pragma once

#include <QTcpServer>

class QTcpSocket;

namespace aether {

// The TCP server handed to QHttpServer::bind(). QHttpServer 6.4 buffers whole
// bodies with no limit and ignores "Expect: 100-continue", so this watches each
// connection's bytes before QHttpServer reads them: a request whose
// Content-Length exceeds the limit is answered 413 at once and its body is
// discarded unread; chunked bodies (size unknown up front) get 411; oversized
// header blocks 431; "Expect: 100-continue" is answered so clients do not stall.
class BodySizeGuard : public QTcpServer
{
    Q_OBJECT

public:
    explicit BodySizeGuard(qint64 maxBodyBytes, QObject *parent = nullptr);

    static constexpr qint64 kMaxHeaderBytes = 64 * 1024;

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    qint64 m_maxBodyBytes;
};

} // namespace aether
