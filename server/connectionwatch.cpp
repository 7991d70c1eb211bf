#include "server/connectionwatch.h"

#include "server/admittedrequests.h"
#include "server/httpwire.h"
#include "server/replyorder.h"
#include "server/requesthead.h"

#include <QTcpSocket>

namespace aether {

namespace {

constexpr int kLingerMs = 10000;
// After refusing a request whose end is unknown (headers too large, a chunked
// or malformed length), this much more is read and dropped before closing:
// closing with unread bytes would reset the connection, and the client would
// lose the answer.
constexpr qint64 kUnframedDrainBytes = 1024 * 1024;
// When the bodies in flight are at MAX_INFLIGHT_MB, clients are asked to come
// back after this long.
constexpr int kInflightRetrySeconds = 5;
// Heads and chunk framing are looked at through copies of at most this much
// past what was already inspected; body bytes are counted, never copied.
constexpr qint64 kPeekWindow = 64 * 1024;
// A refused connection buffers at most this much in the socket before the
// bytes are dropped; the rest waits in the kernel.
constexpr qint64 kDrainBufferBytes = 64 * 1024;

bool isLeadingWhitespace(char c)
{
    return c == '\r' || c == '\n' || c == ' ' || c == '\t' || c == '\v';
}

// The end of a header block in `headers`, searching from `from`: the index of
// the line feed that ends its last line, and the terminator's length (a blank
// line after LF or CRLF; QHttpServer accepts both). -1 when not there yet.
qsizetype headerEnd(const QByteArray &headers, qsizetype from, int *terminatorLength)
{
    for (qsizetype at = headers.indexOf('\n', from); at >= 0; at = headers.indexOf('\n', at + 1)) {
        if (at + 1 < headers.size() && headers[at + 1] == '\n') {
            *terminatorLength = 2;
            return at;
        }
        if (at + 2 < headers.size() && headers[at + 1] == '\r' && headers[at + 2] == '\n') {
            *terminatorLength = 3;
            return at;
        }
    }
    return -1;
}

} // namespace

ConnectionWatch::ConnectionWatch(QTcpSocket *socket, std::shared_ptr<ConnectionGuard::Rules> rules)
    : QObject(socket), m_socket(socket), m_rules(std::move(rules))
{
    // Connected before QHttpServer connects its own handler, so this runs
    // first and sees every byte before it is parsed.
    connect(socket, &QTcpSocket::readyRead, this, &ConnectionWatch::inspect);
    connect(socket, &QTcpSocket::bytesWritten, this, [this] { m_lastActivity.start(); });
    m_idleTimer.setSingleShot(true);
    connect(&m_idleTimer, &QTimer::timeout, this, &ConnectionWatch::idleTimedOut);
    m_lastActivity.start();
    m_idleTimer.start(m_rules->idleTimeoutMs);
}

void ConnectionWatch::followServerReads()
{
    connect(m_socket, &QTcpSocket::readyRead, this, &ConnectionWatch::serverRead);
    m_followingServer = true;
}

// QHttpServer has just read what it takes (at most one whole request, and
// the beginning of the next); what it left was inspected already.
void ConnectionWatch::serverRead()
{
    const qint64 available = m_socket->bytesAvailable();
    const qint64 consumed = qMax<qint64>(0, m_availableBeforeServer - available);
    m_availableBeforeServer = available;
    m_inspectedAhead = qMax<qint64>(0, m_inspectedAhead - consumed);
    if (m_pendingRefusal) {
        m_keepForServer -= consumed;
        if (m_keepForServer <= 0)
            finishRefusal();
    } else if (available > 0 && AdmittedRequests::of(m_socket)->isClosing()) {
        drain(); // after a request that ends the connection: never parsed
    }
}

ConnectionWatch::~ConnectionWatch()
{
    m_rules->budget.release(m_reserved);
}

// Reads and writes only stamp the time (restarting a timer on each costs the
// enqueue path measurably); the timer, when it fires, checks the stamps and
// waits again for what is left of the timeout.
void ConnectionWatch::idleTimedOut()
{
    if (m_rejected)
        return;
    const int timeoutMs = m_rules->idleTimeoutMs;
    // Slow clients that send a header byte now and then never go idle.
    if (!m_headers.isEmpty() && m_headersStarted.elapsed() >= timeoutMs)
        return refuse(ApiReply::error(408, QStringLiteral("the request headers did not arrive "
                                                          "within %1 s")
                                               .arg(timeoutMs / 1000.0)),
                      0);
    const qint64 idleMs = m_lastActivity.elapsed();
    if (idleMs < timeoutMs) {
        qint64 waitMs = timeoutMs - idleMs;
        if (!m_headers.isEmpty())
            waitMs = qMin(waitMs, timeoutMs - m_headersStarted.elapsed());
        m_idleTimer.start(int(qMax<qint64>(1, waitMs)));
        return;
    }
    if (isInBody())
        return refuse(ApiReply::error(408, QStringLiteral("the request body stopped arriving "
                                                          "for %1 s")
                                               .arg(timeoutMs / 1000.0)),
                      0);
    // A route still working on an answer (a synchronous ingest, a long poll)
    // or an event stream keeps its connection.
    if (ReplyOrder::isBusy(m_socket) || !m_headers.isEmpty())
        return m_idleTimer.start(timeoutMs);
    m_socket->disconnectFromHost();
}

void ConnectionWatch::inspect()
{
    m_lastActivity.start();
    if (m_rejected || AdmittedRequests::of(m_socket)->isClosing()) {
        if (!m_pendingRefusal)
            drain(); // nothing more on this connection will be answered
        m_availableBeforeServer = m_socket->bytesAvailable();
        return;
    }
    const qint64 available = m_socket->bytesAvailable();
    QByteArray window; // the first bytes buffered, copied when they must be read
    // QHttpServer took every whole request before this call: a request that
    // started earlier has nothing before it left for QHttpServer to read.
    m_headStart = 0;
    // Without word of what QHttpServer read, everything is inspected again
    // (which is what the AdmittedRequests check in ApiServer then catches).
    qint64 offset = m_followingServer ? qMin(m_inspectedAhead, available) : 0;
    while (offset < available && !m_rejected && (!m_lastRequestAdmitted || isInBody())) {
        const qint64 skippable = m_chunked ? m_chunked->dataAhead() : m_bodyRemaining;
        if (skippable > 0) {
            const qint64 take = qMin(skippable, available - offset);
            offset += take;
            if (m_chunked) {
                m_chunked->skipData(take);
            } else if ((m_bodyRemaining -= take) == 0) {
                finishBody();
            }
            continue;
        }
        if (offset >= window.size())
            window = m_socket->peek(qMin(available, offset + kPeekWindow));
        offset = m_chunked ? consumeChunked(window, offset) : consumeHeaders(window, offset);
    }
    if (!m_rejected && m_chunked && m_chunked->awaitsFinalLineFeed())
        refuseUnframed(400, QStringLiteral("the CRLF ending a chunked body must not be split"));
    m_inspectedAhead = offset;
    m_headStart = 0;
    m_availableBeforeServer = m_socket->bytesAvailable();
}

qsizetype ConnectionWatch::consumeHeaders(const QByteArray &data, qsizetype offset)
{
    if (m_headers.isEmpty()) {
        // Blank lines between requests are skipped, as QHttpServer does.
        while (offset < data.size() && isLeadingWhitespace(data[offset]))
            ++offset;
        if (offset == data.size())
            return offset;
        m_headersStarted.start();
        m_headStart = offset;
        m_headOnlyAnswer = false; // until this head says HEAD
    }
    const qsizetype before = m_headers.size();
    m_headers.append(data.constData() + offset, data.size() - offset);
    // Only the new bytes (and 2 before them) can complete the blank line;
    // rescanning everything would be quadratic for a client dribbling bytes.
    int terminatorLength = 0;
    const qsizetype end = headerEnd(m_headers, qMax<qsizetype>(0, before - 2), &terminatorLength);
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
    const qsizetype bodyStart = offset + (end + terminatorLength - before);
    admitHead(block, bodyStart);
    return bodyStart;
}

// `bodyStart`: where the body begins in the bytes now buffered.
void ConnectionWatch::admitHead(const QByteArray &block, qsizetype bodyStart)
{
    const RequestHead head = RequestHead::parse(block);
    m_headOnlyAnswer = head.isHead();
    if (head.refusal != 0)
        return refuseUnframed(head.refusal, head.error);
    // The rest of a refused body is read and dropped, up to its declared end.
    const qint64 drainBytes =
        head.chunked ? kUnframedDrainBytes : bodyStart - m_headStart + head.contentLength;
    if (m_rules->gate) {
        if (std::optional<ApiReply> refusal = m_rules->gate(head, m_socket->peerAddress()))
            return refuse(std::move(*refusal), drainBytes);
    }
    if (head.contentLength > m_rules->maxBodyBytes)
        return refuse(
            ApiReply::error(
                413,
                QStringLiteral(
                    "request body of %1 bytes is larger than the limit of %2 MB (MAX_UPLOAD_MB)")
                    .arg(head.contentLength)
                    .arg(m_rules->maxBodyBytes / (1024 * 1024))),
            drainBytes);
    if (head.contentLength > 0) {
        if (!m_rules->budget.tryReserve(head.contentLength)) {
            ApiReply busy =
                ApiReply::error(503, QStringLiteral("too many request bodies are arriving at once "
                                                    "(MAX_INFLIGHT_MB); try again shortly"));
            busy.headers.append({"Retry-After", QByteArray::number(kInflightRetrySeconds)});
            return refuse(std::move(busy), drainBytes);
        }
        m_reserved = head.contentLength;
        m_bodyRemaining = head.contentLength;
    }
    if (head.chunked)
        m_chunked.emplace();
    // Answers keep request order (ReplyOrder): the slot is taken now, in the
    // order the heads arrive, before any refusal after it takes its own.
    ReplyOrder *order = ReplyOrder::of(m_socket);
    const quint64 slot = order->reserve();
    // Only when no earlier answer is still to be written: it would come first.
    if (head.expectContinue && order->isNextToWrite(slot))
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    AdmittedRequests::of(m_socket)->push(AdmittedRequest{
        head.method, head.keepAlive, head.target, head.value("host"),
        AdmittedRequest::digestOfKeys(head.value("x-api-key"), head.value("x-admin-key")), slot,
        bool(m_rules->gate)});
    // What follows a request that closes the connection is never answered,
    // so it is not parsed nor counted either.
    if (!head.keepAlive)
        m_lastRequestAdmitted = true;
}

qsizetype ConnectionWatch::consumeChunked(const QByteArray &data, qsizetype offset)
{
    offset += m_chunked->consume(data.constData() + offset, data.size() - offset);
    if (m_chunked->isMalformed()) {
        refuseUnframed(400, m_chunked->error());
        return data.size();
    }
    const qint64 announced = m_chunked->announcedBytes();
    if (announced > m_rules->maxBodyBytes) {
        refuseUnframed(413, QStringLiteral("chunked request body is larger than the limit of %1 "
                                           "MB (MAX_UPLOAD_MB)")
                                .arg(m_rules->maxBodyBytes / (1024 * 1024)));
        return data.size();
    }
    if (announced > m_reserved) {
        if (!m_rules->budget.tryReserve(announced - m_reserved)) {
            ApiReply busy =
                ApiReply::error(503, QStringLiteral("too many request bodies are arriving at once "
                                                    "(MAX_INFLIGHT_MB); try again shortly"));
            busy.headers.append({"Retry-After", QByteArray::number(kInflightRetrySeconds)});
            refuse(std::move(busy), kUnframedDrainBytes);
            return data.size();
        }
        m_reserved = announced;
    }
    if (m_chunked->isComplete())
        finishBody();
    return offset;
}

// The body is complete: QHttpServer reads its last bytes right after this and
// hands the request to a route, so its bytes leave the in-flight count.
void ConnectionWatch::finishBody()
{
    m_rules->budget.release(m_reserved);
    m_reserved = 0;
    m_chunked.reset();
}

// Discards what arrives of a refused body, then closes. Clients that send the
// whole body before reading (most HTTP libraries) still get the answer instead
// of a reset; a client that keeps sending is cut off after a while.
void ConnectionWatch::drain()
{
    dropBuffered();
    if (m_drainRemaining <= 0 && !ReplyOrder::isBusy(m_socket))
        m_socket->disconnectFromHost();
}

// Reads through a fixed buffer: dropping a flood of bytes allocates nothing.
void ConnectionWatch::dropBuffered()
{
    char buffer[16 * 1024];
    qint64 read = 0;
    while ((read = m_socket->read(buffer, sizeof buffer)) > 0)
        m_drainRemaining -= read;
}

void ConnectionWatch::refuseUnframed(int status, const QString &message)
{
    refuse(ApiReply::error(status, message), kUnframedDrainBytes);
}

void ConnectionWatch::refuse(ApiReply reply, qint64 drainBytes)
{
    if (m_rules->refused)
        m_rules->refused(reply.status);
    // A request refused in its body was admitted: its answer takes its slot.
    std::optional<AdmittedRequest> admitted;
    if (isInBody())
        admitted = AdmittedRequests::of(m_socket)->takeLast();
    m_refusalSlot = admitted ? admitted->replySlot : ReplyOrder::of(m_socket)->reserve();
    m_rejected = true;
    m_idleTimer.stop();
    m_rules->budget.release(m_reserved);
    m_reserved = 0;
    m_chunked.reset();
    m_bodyRemaining = 0;
    m_drainRemaining = drainBytes;
    // QHttpServer never sees the refused request; the requests before it in
    // the bytes buffered are read by QHttpServer and answered first.
    m_keepForServer = m_followingServer ? m_headStart : 0;
    m_pendingRefusal = std::move(reply);
    if (m_keepForServer <= 0)
        finishRefusal();
}

void ConnectionWatch::finishRefusal()
{
    const ApiReply reply = std::move(*m_pendingRefusal);
    m_pendingRefusal.reset();
    m_keepForServer = 0;
    m_socket->setReadBufferSize(kDrainBufferBytes);
    dropBuffered();
    const bool closeNow = m_drainRemaining <= 0;
    ReplyOrder::of(m_socket)->deliver(m_refusalSlot,
                                      httpResponseBytes(reply, true, m_headOnlyAnswer), closeNow);
    if (!closeNow)
        QTimer::singleShot(kLingerMs, m_socket, [socket = m_socket] { socket->abort(); });
}

} // namespace aether
