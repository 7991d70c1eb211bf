#pragma once

#include "server/chunkedbody.h"
#include "server/connectionguard.h"

#include <QElapsedTimer>
#include <QTimer>
#include <memory>
#include <optional>

class QTcpSocket;

namespace aether {

// Follows the HTTP/1.1 framing of one connection (header blocks, then
// Content-Length or chunked bodies) over the bytes as they arrive, before
// QHttpServer reads them, and refuses what must not reach it. A refused
// request ends its connection: its bytes are discarded unread.
class ConnectionWatch : public QObject
{
    Q_OBJECT

public:
    ConnectionWatch(QTcpSocket *socket, std::shared_ptr<ConnectionGuard::Rules> rules);
    ~ConnectionWatch() override;

    // Also runs on each readyRead, after QHttpServer has read what it takes.
    void followServerReads();

private:
    void idleTimedOut();
    void inspect();
    // Each consumes from `data` at `offset`; returns the offset past what it used.
    qsizetype consumeHeaders(const QByteArray &data, qsizetype offset);
    qsizetype consumeChunked(const QByteArray &data, qsizetype offset);
    void admitHead(const QByteArray &block, qsizetype bodyStart);
    bool isInBody() const { return m_bodyRemaining > 0 || m_chunked.has_value(); }
    void finishBody();

    void drain();
    void dropBuffered();
    // `drainBytes`: how many bytes from the start of what is buffered now to
    // read and drop before closing (the rest of a declared body).
    void refuse(ApiReply reply, qint64 drainBytes);
    void refuseUnframed(int status, const QString &message);
    // The refusal goes out once QHttpServer has taken the requests before it.
    void finishRefusal();
    void serverRead();

    QTcpSocket *m_socket;
    std::shared_ptr<ConnectionGuard::Rules> m_rules;
    QTimer m_idleTimer;
    QElapsedTimer m_lastActivity;   // the last byte read or written
    QElapsedTimer m_headersStarted; // the first byte of the header block now arriving
    QByteArray m_headers;
    bool m_headOnlyAnswer = false; // the request now read is a HEAD
    qint64 m_bodyRemaining = 0;    // of a Content-Length body
    std::optional<ChunkedBody> m_chunked;
    qint64 m_reserved = 0;       // of the in-flight budget, for the body now arriving
    qint64 m_drainRemaining = 0; // of a refused body
    bool m_rejected = false;
    // Bytes at the front of what QHttpServer has not read yet that were
    // already inspected: QHttpServer leaves the bytes after a request unread
    // and signals readyRead again for them.
    qint64 m_inspectedAhead = 0;
    bool m_followingServer = false;     // followServerReads() was called
    qint64 m_availableBeforeServer = 0; // when QHttpServer's handler starts
    // A request that closes the connection was admitted: the bytes after it
    // are neither inspected nor answered.
    bool m_lastRequestAdmitted = false;
    // Of a refused request: the bytes before it, of earlier admitted requests
    // that QHttpServer must still read, and its answer meanwhile.
    qint64 m_keepForServer = 0;
    qsizetype m_headStart = 0; // of the head now being read, in the bytes buffered
    std::optional<ApiReply> m_pendingRefusal;
    quint64 m_refusalSlot = 0;
};

} // namespace aether
