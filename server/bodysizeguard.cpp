#include "server/bodysizeguard.h"

#include "server/httpwire.h"

#include <QTcpSocket>
#include <QTimer>

namespace aether {

namespace {

constexpr int kLingerMs = 10000;

// Follows the HTTP/1.1 framing of one connection (header blocks and
// Content-Length bodies) over the bytes as they arrive.
class ConnectionWatch : public QObject
{
public:
    ConnectionWatch(QTcpSocket *socket, qint64 maxBodyBytes)
        : QObject(socket), m_socket(socket), m_maxBodyBytes(maxBodyBytes)
    {
        // Connected before QHttpServer connects its own handler, so this runs
        // first and sees every byte before it is parsed.
        connect(socket, &QTcpSocket::readyRead, this, &ConnectionWatch::inspect);
    }

private:
    void inspect()
    {
        if (m_rejected) {
            drain();
            return;
        }
        const QByteArray data = m_socket->peek(m_socket->bytesAvailable());
        qsizetype offset = 0;
        while (offset < data.size() && !m_rejected) {
            if (m_bodyRemaining > 0) {
                const qint64 take = qMin<qint64>(m_bodyRemaining, data.size() - offset);
                m_bodyRemaining -= take;
                offset += qsizetype(take);
                continue;
            }
            offset = consumeHeaders(data, offset);
        }
    }

    // Appends header bytes; returns the offset just past what was consumed.
    qsizetype consumeHeaders(const QByteArray &data, qsizetype offset)
    {
        const qsizetype before = m_headers.size();
        m_headers.append(data.constData() + offset, data.size() - offset);
        const qsizetype end = m_headers.indexOf("\r\n\r\n");
        if (end < 0) {
            if (m_headers.size() > BodySizeGuard::kMaxHeaderBytes)
                reject(431, QStringLiteral("request headers are too large"));
            return data.size();
        }
        const QByteArray block = m_headers.left(end);
        m_headers.clear();
        const qsizetype bodyStart = offset + (end + 4 - before);
        checkHeaderBlock(block, bodyStart);
        return bodyStart;
    }

    // `bodyStart`: where the body begins in the bytes now buffered.
    void checkHeaderBlock(const QByteArray &block, qsizetype bodyStart)
    {
        qint64 contentLength = 0;
        bool expectContinue = false;
        for (const QByteArray &line : block.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0)
                continue;
            const QByteArray name = line.left(colon).trimmed().toLower();
            const QByteArray value = line.mid(colon + 1).trimmed();
            if (name == "content-length") {
                bool ok = false;
                contentLength = value.toLongLong(&ok);
                if (!ok || contentLength < 0)
                    return reject(400, QStringLiteral("invalid Content-Length"));
            } else if (name == "transfer-encoding" && value.toLower() != "identity") {
                return reject(411,
                              QStringLiteral(
                                  "chunked request bodies are not supported; send Content-Length"));
            } else if (name == "expect" && value.toLower() == "100-continue") {
                expectContinue = true;
            }
        }
        if (contentLength > m_maxBodyBytes) {
            m_drainRemaining =
                bodyStart + contentLength; // reject() reads the buffer from its start
            return reject(
                413,
                QStringLiteral(
                    "request body of %1 bytes is larger than the limit of %2 MB (MAX_UPLOAD_MB)")
                    .arg(contentLength)
                    .arg(m_maxBodyBytes / (1024 * 1024)));
        }
        if (expectContinue)
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
        m_bodyRemaining = contentLength;
    }

    // Discards what arrives of a refused body, then closes. Clients that send
    // the whole body before reading (most HTTP libraries) still get the 413
    // instead of a reset; a client that keeps sending is cut off after a while.
    void drain()
    {
        m_drainRemaining -= m_socket->readAll().size();
        if (m_drainRemaining <= 0)
            m_socket->disconnectFromHost();
    }

    void reject(int status, const QString &message)
    {
        m_rejected = true;
        m_drainRemaining -=
            m_socket->readAll().size(); // QHttpServer never sees the refused request
        m_socket->write(httpResponseBytes(ApiReply::error(status, message), true));
        if (m_drainRemaining <= 0) {
            m_socket->disconnectFromHost();
            return;
        }
        QTimer::singleShot(kLingerMs, m_socket, [socket = m_socket] { socket->abort(); });
    }

    QTcpSocket *m_socket;
    qint64 m_maxBodyBytes;
    QByteArray m_headers;
    qint64 m_bodyRemaining = 0;
    qint64 m_drainRemaining = 0; // of a refused body
    bool m_rejected = false;
};

} // namespace

BodySizeGuard::BodySizeGuard(qint64 maxBodyBytes, QObject *parent)
    : QTcpServer(parent), m_maxBodyBytes(maxBodyBytes)
{}

void BodySizeGuard::incomingConnection(qintptr socketDescriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    new ConnectionWatch(socket, m_maxBodyBytes);
    addPendingConnection(socket);
}

} // namespace aether
