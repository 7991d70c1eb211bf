#include "server/connectionguard.h"

#include "server/httpwire.h"
#include "server/replyorder.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTimer>

namespace aether {

namespace {

constexpr int kLingerMs = 10000;
// After refusing a request whose end is unknown (headers too large, a chunked
// or malformed length), this much more is read and dropped before closing:
// closing with unread bytes would reset the connection, and the client would
// lose the answer.
constexpr qint64 kUnframedDrainBytes = 1024 * 1024;

// Follows the HTTP/1.1 framing of one connection (header blocks and
// Content-Length bodies) over the bytes as they arrive.
class ConnectionWatch : public QObject
{
public:
    ConnectionWatch(QTcpSocket *socket, qint64 maxBodyBytes, int idleTimeoutMs)
        : QObject(socket), m_socket(socket), m_maxBodyBytes(maxBodyBytes),
          m_idleTimeoutMs(idleTimeoutMs)
    {
        // Connected before QHttpServer connects its own handler, so this runs
        // first and sees every byte before it is parsed.
        connect(socket, &QTcpSocket::readyRead, this, &ConnectionWatch::inspect);
        connect(socket, &QTcpSocket::bytesWritten, this, [this] { m_lastActivity.start(); });
        m_idleTimer.setSingleShot(true);
        connect(&m_idleTimer, &QTimer::timeout, this, &ConnectionWatch::idleTimedOut);
        m_lastActivity.start();
        m_idleTimer.start(m_idleTimeoutMs);
    }

private:
    // Reads and writes only stamp the time (restarting a timer on each costs
    // the enqueue path measurably); the timer, when it fires, checks the
    // stamps and waits again for what is left of the timeout.
    void idleTimedOut()
    {
        if (m_rejected)
            return;
        // Slow clients that send a header byte now and then never go idle.
        if (!m_headers.isEmpty() && m_headersStarted.elapsed() >= m_idleTimeoutMs)
            return reject(408, QStringLiteral("the request headers did not arrive within %1 s")
                                   .arg(m_idleTimeoutMs / 1000.0));
        const qint64 idleMs = m_lastActivity.elapsed();
        if (idleMs < m_idleTimeoutMs) {
            qint64 waitMs = m_idleTimeoutMs - idleMs;
            if (!m_headers.isEmpty())
                waitMs = qMin(waitMs, m_idleTimeoutMs - m_headersStarted.elapsed());
            m_idleTimer.start(int(qMax<qint64>(1, waitMs)));
            return;
        }
        if (m_bodyRemaining > 0)
            return reject(408, QStringLiteral("the request body stopped arriving for %1 s")
                                   .arg(m_idleTimeoutMs / 1000.0));
        // A route still working on an answer (a synchronous ingest, a long
        // poll) or an event stream keeps its connection.
        if (ReplyOrder::isBusy(m_socket) || !m_headers.isEmpty())
            return m_idleTimer.start(m_idleTimeoutMs);
        m_socket->disconnectFromHost();
    }

    void inspect()
    {
        m_lastActivity.start();
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
        if (before == 0)
            m_headersStarted.start();
        m_headers.append(data.constData() + offset, data.size() - offset);
        // Only the new bytes (and 3 before them) can complete the blank line;
        // rescanning everything would be quadratic for a client dribbling bytes.
        const qsizetype end = m_headers.indexOf("\r\n\r\n", qMax<qsizetype>(0, before - 3));
        if (end > ConnectionGuard::kMaxHeaderBytes ||
            (end < 0 && m_headers.size() > ConnectionGuard::kMaxHeaderBytes)) {
            refuseUnframed(431, QStringLiteral("request headers are larger than %1 KB")
                                    .arg(ConnectionGuard::kMaxHeaderBytes / 1024));
            return data.size();
        }
        if (end < 0)
            return data.size();
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
                    return refuseUnframed(400, QStringLiteral("invalid Content-Length"));
            } else if (name == "transfer-encoding" && value.toLower() != "identity") {
                return refuseUnframed(
                    411, QStringLiteral(
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

    void refuseUnframed(int status, const QString &message)
    {
        m_drainRemaining = kUnframedDrainBytes;
        reject(status, message);
    }

    void reject(int status, const QString &message)
    {
        m_rejected = true;
        m_idleTimer.stop();
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
    int m_idleTimeoutMs;
    QTimer m_idleTimer;
    QElapsedTimer m_lastActivity;   // the last byte read or written
    QElapsedTimer m_headersStarted; // the first byte of the header block now arriving
    QByteArray m_headers;
    qint64 m_bodyRemaining = 0;
    qint64 m_drainRemaining = 0; // of a refused body
    bool m_rejected = false;
};

} // namespace

ConnectionGuard::ConnectionGuard(qint64 maxBodyBytes, QObject *parent)
    : QTcpServer(parent), m_maxBodyBytes(maxBodyBytes)
{}

void ConnectionGuard::incomingConnection(qintptr socketDescriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    new ConnectionWatch(socket, m_maxBodyBytes, m_idleTimeoutMs);
    addPendingConnection(socket);
}

} // namespace aether
