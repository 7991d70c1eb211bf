#include "fixturehttpserver.h"

#include "fetch/httpreason.h"

#include <QDateTime>
#include <QMutex>
#include <QMutexLocker>
#include <QTcpSocket>
#include <QTimer>

#include <memory>
#include <optional>

namespace aether::test {

namespace {

// Kept queued per endless connection: enough to keep loopback busy, little
// enough that four of them cost the test nothing.
constexpr qint64 kEndlessQueueBytes = 1024 * 1024;

struct ParsedRequest
{
    QByteArray path; // without the query
    QByteArray head; // request line and headers
    QByteArray body;
};

// Returns the request once its head and Content-Length body have fully arrived.
std::optional<ParsedRequest> parseRequest(const QByteArray &buffer)
{
    const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return std::nullopt;
    const QList<QByteArray> lines = buffer.left(headEnd).split('\n');
    qint64 contentLength = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == "content-length")
            contentLength = line.mid(colon + 1).trimmed().toLongLong();
    }
    if (buffer.size() - (headEnd + 4) < contentLength)
        return std::nullopt;
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    QByteArray target = requestLine.value(1);
    const qsizetype query = target.indexOf('?');
    return ParsedRequest{query < 0 ? target : target.left(query), buffer.left(headEnd),
                         buffer.mid(headEnd + 4, contentLength)};
}

QByteArray serialize(const FixtureResponse &response)
{
    // A test that only sets `status` still gets the matching reason phrase.
    const QByteArray reason = response.status != 200 && response.reason == "OK"
                                  ? aether::httpReasonPhrase(response.status)
                                  : response.reason;
    QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reason + "\r\n";
    for (const auto &[name, value] : response.headers)
        out += name + ": " + value + "\r\n";
    out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    out += "Connection: close\r\n\r\n";
    out += response.body;
    return out;
}

FixtureResponse notFound()
{
    FixtureResponse response;
    response.status = 404;
    response.reason = "Not Found";
    response.headers = {{"Content-Type", "text/plain"}};
    response.body = "no fixture for this path\n";
    return response;
}

} // namespace

class FixtureHttpServer::Impl
{
public:
    struct Endless
    {
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray chunk;
        QByteArray prefix;
    };

    Impl()
    {
        // The server and its sockets must be created on the thread that serves them.
        m_context.moveToThread(&m_thread);
        m_thread.start();
        QMetaObject::invokeMethod(
            &m_context, [this] { listen(); }, Qt::BlockingQueuedConnection);
    }

    ~Impl()
    {
        QMetaObject::invokeMethod(
            &m_context, [this] { delete m_server; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    void setResponse(const QByteArray &path, const FixtureResponse &response)
    {
        setSequence(path, {response});
    }

    void setSequence(const QByteArray &path, const QList<FixtureResponse> &responses)
    {
        QMutexLocker lock(&m_mutex);
        m_responses.insert(path, responses);
    }

    void setRequiredAuthorization(const QByteArray &path, const QByteArray &authorization)
    {
        QMutexLocker lock(&m_mutex);
        m_requiredAuthorization.insert(path, authorization);
    }

    void setEndless(const QByteArray &path, const Endless &endless)
    {
        QMutexLocker lock(&m_mutex);
        m_responses.remove(path);
        m_endless.insert(path, endless);
    }

    qint64 bytesSent(const QByteArray &path) const
    {
        QMutexLocker lock(&m_mutex);
        return m_seen.value(path).bytesSent;
    }

    int requestCount(const QByteArray &path) const
    {
        QMutexLocker lock(&m_mutex);
        return m_seen.value(path).count;
    }

    QByteArray lastRequestHead(const QByteArray &path) const
    {
        QMutexLocker lock(&m_mutex);
        return m_seen.value(path).head;
    }

    QByteArray lastRequestBody(const QByteArray &path) const
    {
        QMutexLocker lock(&m_mutex);
        return m_seen.value(path).body;
    }

    qint64 lastRequestAtMs(const QByteArray &path) const
    {
        QMutexLocker lock(&m_mutex);
        return m_seen.value(path).atMs;
    }

    quint16 port() const { return m_port; }

private:
    void listen()
    {
        m_server = new QTcpServer();
        QObject::connect(m_server, &QTcpServer::newConnection, m_server, [this] { accept(); });
        if (!m_server->listen(QHostAddress::LocalHost, 0))
            qFatal("FixtureHttpServer: cannot listen: %s", qPrintable(m_server->errorString()));
        m_port = m_server->serverPort();
    }

    void accept()
    {
        while (QTcpSocket *socket = m_server->nextPendingConnection())
            serve(socket);
    }

    void serve(QTcpSocket *socket)
    {
        auto buffer = std::make_shared<QByteArray>();
        auto answered = std::make_shared<bool>(false);
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [=] {
            *buffer += socket->readAll();
            if (*answered)
                return;
            const std::optional<ParsedRequest> request = parseRequest(*buffer);
            if (!request)
                return;
            *answered = true;
            {
                QMutexLocker lock(&m_mutex);
                Seen &seen = m_seen[request->path];
                seen.head = request->head;
                seen.body = request->body;
                seen.atMs = QDateTime::currentMSecsSinceEpoch();
            }
            answer(socket, request->path, request->head);
        });
        QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }

    void answer(QTcpSocket *socket, const QByteArray &path, const QByteArray &head)
    {
        std::optional<Endless> endless;
        {
            QMutexLocker lock(&m_mutex);
            if (m_endless.contains(path)) {
                ++m_seen[path].count;
                endless = m_endless.value(path);
            }
        }
        if (endless)
            return stream(socket, path, *endless);
        const FixtureResponse response = authorized(path, head) ? take(path) : unauthorized(path);
        const QByteArray bytes = serialize(response);
        const auto send = [socket, bytes] {
            socket->write(bytes);
            socket->disconnectFromHost();
        };
        // A timer, not a sleep: other connections keep being served meanwhile,
        // and a client that gives up deletes the socket and so cancels the answer.
        if (response.delayMs > 0)
            QTimer::singleShot(response.delayMs, socket, send);
        else
            send();
    }

    // Tops the socket's queue up whenever the client has taken some of it.
    void stream(QTcpSocket *socket, const QByteArray &path, const Endless &endless)
    {
        QByteArray head = "HTTP/1.1 200 OK\r\n";
        for (const auto &[name, value] : endless.headers)
            head += name + ": " + value + "\r\n";
        head += "Connection: close\r\n\r\n";
        socket->write(head + endless.prefix);
        const auto topUp = [socket, chunk = endless.chunk] {
            while (socket->state() == QAbstractSocket::ConnectedState &&
                   socket->bytesToWrite() < kEndlessQueueBytes)
                socket->write(chunk);
        };
        QObject::connect(socket, &QTcpSocket::bytesWritten, socket, [this, path, topUp](qint64 n) {
            {
                QMutexLocker lock(&m_mutex);
                m_seen[path].bytesSent += n;
            }
            topUp();
        });
        topUp();
    }

    bool authorized(const QByteArray &path, const QByteArray &head) const
    {
        QMutexLocker lock(&m_mutex);
        const auto required = m_requiredAuthorization.constFind(path);
        if (required == m_requiredAuthorization.cend())
            return true;
        for (const QByteArray &line : head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().toLower() == "authorization" &&
                line.mid(colon + 1).trimmed() == *required)
                return true;
        }
        return false;
    }

    // What a protected page answers without the right credentials; the
    // sequence's other answers (a 503 first, say) are still served in turn.
    FixtureResponse unauthorized(const QByteArray &path)
    {
        FixtureResponse response = take(path);
        if (response.status != 200)
            return response;
        response.status = 401;
        response.reason = "Unauthorized";
        response.headers = {{"WWW-Authenticate", "Basic realm=\"fixture\""}};
        response.body = "no";
        return response;
    }

    FixtureResponse take(const QByteArray &path)
    {
        QMutexLocker lock(&m_mutex);
        const int served = m_seen[path].count++;
        const auto found = m_responses.constFind(path);
        if (found == m_responses.cend() || found->isEmpty())
            return notFound();
        return found->at(qMin<qsizetype>(served, found->size() - 1)); // the last one repeats
    }

    QThread m_thread;
    QObject m_context;
    QTcpServer *m_server = nullptr; // lives on m_thread
    quint16 m_port = 0;

    mutable QMutex m_mutex;
    QHash<QByteArray, QList<FixtureResponse>> m_responses;
    QHash<QByteArray, Endless> m_endless;
    QHash<QByteArray, QByteArray> m_requiredAuthorization;
    // What arrived for each path: how many requests, and the last one.
    struct Seen
    {
        int count = 0;
        QByteArray head;
        QByteArray body;
        qint64 atMs = 0;
        qint64 bytesSent = 0; // everything written, head included
    };
    QHash<QByteArray, Seen> m_seen;
};

FixtureHttpServer::FixtureHttpServer() : d(new Impl) {}

FixtureHttpServer::~FixtureHttpServer()
{
    delete d;
}

void FixtureHttpServer::setResponse(const QByteArray &path, const FixtureResponse &response)
{
    d->setResponse(path, response);
}

void FixtureHttpServer::setSequence(const QByteArray &path, const QList<FixtureResponse> &responses)
{
    d->setSequence(path, responses);
}

void FixtureHttpServer::setRedirect(const QByteArray &path, const QByteArray &location, int status)
{
    FixtureResponse response;
    response.status = status;
    response.reason = aether::httpReasonPhrase(status);
    response.headers = {{"Location", location}};
    setResponse(path, response);
}

void FixtureHttpServer::setEndless(const QByteArray &path,
                                   const QList<QPair<QByteArray, QByteArray>> &headers,
                                   const QByteArray &chunk, const QByteArray &prefix)
{
    d->setEndless(path, {headers, chunk, prefix});
}

void FixtureHttpServer::setRequiredAuthorization(const QByteArray &path,
                                                 const QByteArray &authorization)
{
    d->setRequiredAuthorization(path, authorization);
}

qint64 FixtureHttpServer::bytesSent(const QByteArray &path) const
{
    return d->bytesSent(path);
}

quint16 FixtureHttpServer::port() const
{
    return d->port();
}

QByteArray FixtureHttpServer::url(const QByteArray &path) const
{
    return "http://127.0.0.1:" + QByteArray::number(port()) + path;
}

QByteArray FixtureHttpServer::lastRequestHead(const QByteArray &path) const
{
    return d->lastRequestHead(path);
}

QByteArray FixtureHttpServer::lastRequestBody(const QByteArray &path) const
{
    return d->lastRequestBody(path);
}

qint64 FixtureHttpServer::lastRequestAtMs(const QByteArray &path) const
{
    return d->lastRequestAtMs(path);
}

int FixtureHttpServer::requestCount(const QByteArray &path) const
{
    return d->requestCount(path);
}

} // namespace aether::test
