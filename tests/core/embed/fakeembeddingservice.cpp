#include "fakeembeddingservice.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QMutexLocker>
#include <QQueue>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <memory>
#include <optional>

namespace aether::test {

FakeAnswer FakeAnswer::withDimension(int dimension)
{
    FakeAnswer answer;
    answer.dimension = dimension;
    return answer;
}

FakeAnswer FakeAnswer::reversedOrder()
{
    FakeAnswer answer;
    answer.reversed = true;
    return answer;
}

FakeAnswer FakeAnswer::tooFew(int missing)
{
    FakeAnswer answer;
    answer.missing = missing;
    return answer;
}

FakeAnswer FakeAnswer::error(int status, const QByteArray &message, const QByteArray &retryAfter)
{
    FakeAnswer answer;
    answer.kind = Kind::Error;
    answer.status = status;
    answer.message = message;
    answer.retryAfter = retryAfter;
    return answer;
}

FakeAnswer FakeAnswer::garbage()
{
    FakeAnswer answer;
    answer.kind = Kind::Garbage;
    return answer;
}

FakeAnswer FakeAnswer::hang()
{
    FakeAnswer answer;
    answer.kind = Kind::Hang;
    return answer;
}

FakeAnswer FakeAnswer::drop()
{
    FakeAnswer answer;
    answer.kind = Kind::Drop;
    return answer;
}

QVector<float> FakeEmbeddingService::vectorFor(const QString &text, int dimension)
{
    const QByteArray digest = QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256);
    QVector<float> vector(dimension);
    for (int i = 0; i < dimension; ++i)
        vector[i] = float(quint8(digest.at(i % digest.size())) + 1 + i / digest.size());
    return vector;
}

namespace {

// Returns the request once its head and Content-Length body have fully arrived.
std::optional<RecordedRequest> parseRequest(const QByteArray &buffer)
{
    const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return std::nullopt;
    RecordedRequest request;
    const QList<QByteArray> lines = buffer.left(headEnd).split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            request.headers.insert(line.left(colon).trimmed().toLower(),
                                   line.mid(colon + 1).trimmed());
    }
    const qint64 length = request.headers.value("content-length").toLongLong();
    if (buffer.size() - (headEnd + 4) < length)
        return std::nullopt;
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    request.method = requestLine.value(0);
    request.path = requestLine.value(1);
    request.body = buffer.mid(headEnd + 4, length);
    const QJsonObject json = QJsonDocument::fromJson(request.body).object();
    request.model = json.value(QLatin1String("model")).toString();
    const QJsonValue input = json.value(QLatin1String("input"));
    if (input.isString())
        request.inputs = QStringList{input.toString()};
    for (const QJsonValue &text : input.toArray())
        request.inputs.append(text.toString());
    return request;
}

QByteArray httpResponse(int status, const QByteArray &body, const QByteArray &retryAfter = {})
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + (status == 200 ? " OK" : " Status");
    out += "\r\nContent-Type: application/json\r\n";
    if (!retryAfter.isEmpty())
        out += "Retry-After: " + retryAfter + "\r\n";
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "Connection: close\r\n\r\n";
    return out + body;
}

QJsonArray numbers(const QVector<float> &vector)
{
    QJsonArray array;
    for (const float value : vector)
        array.append(double(value));
    return array;
}

} // namespace

class FakeEmbeddingService::Impl
{
public:
    explicit Impl(int dimension) : m_dimension(dimension)
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

    quint16 port() const { return m_port; }

    void enqueue(const FakeAnswer &answer, int times)
    {
        QMutexLocker lock(&m_mutex);
        for (int i = 0; i < times; ++i)
            m_answers.enqueue(answer);
    }

    QList<RecordedRequest> requests() const
    {
        QMutexLocker lock(&m_mutex);
        return m_requests;
    }

private:
    void listen()
    {
        m_server = new QTcpServer();
        QObject::connect(m_server, &QTcpServer::newConnection, m_server, [this] {
            while (QTcpSocket *socket = m_server->nextPendingConnection())
                serve(socket);
        });
        if (!m_server->listen(QHostAddress::LocalHost, 0))
            qFatal("FakeEmbeddingService: cannot listen: %s", qPrintable(m_server->errorString()));
        m_port = m_server->serverPort();
    }

    void serve(QTcpSocket *socket)
    {
        auto buffer = std::make_shared<QByteArray>();
        auto answered = std::make_shared<bool>(false);
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [=] {
            *buffer += socket->readAll();
            if (*answered)
                return;
            const std::optional<RecordedRequest> request = parseRequest(*buffer);
            if (!request)
                return;
            *answered = true;
            answer(socket, *request);
        });
        // Sockets are the server's children: one left hanging goes with it.
        QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }

    void answer(QTcpSocket *socket, const RecordedRequest &request)
    {
        FakeAnswer how;
        {
            QMutexLocker lock(&m_mutex);
            m_requests.append(request);
            if (!m_answers.isEmpty())
                how = m_answers.dequeue();
        }
        const bool ollama = request.path.endsWith("/api/embed");
        if (!ollama && !request.path.endsWith("/embeddings")) {
            socket->write(httpResponse(404, "{\"error\":\"no such endpoint\"}"));
            socket->disconnectFromHost();
            return;
        }
        switch (how.kind) {
        case FakeAnswer::Kind::Hang:
            return;
        case FakeAnswer::Kind::Drop:
            socket->abort();
            return;
        case FakeAnswer::Kind::Garbage:
            socket->write(httpResponse(200, "<html>upstream is napping</html>"));
            break;
        case FakeAnswer::Kind::Error:
            socket->write(httpResponse(how.status, errorBody(how.message, ollama), how.retryAfter));
            break;
        case FakeAnswer::Kind::Vectors:
            socket->write(httpResponse(200, vectorsBody(request, how, ollama)));
            break;
        }
        socket->disconnectFromHost();
    }

    static QByteArray errorBody(const QByteArray &message, bool ollama)
    {
        const QJsonObject body =
            ollama
                ? QJsonObject{{QStringLiteral("error"), QString::fromUtf8(message)}}
                : QJsonObject{{QStringLiteral("error"),
                               QJsonObject{{QStringLiteral("message"), QString::fromUtf8(message)},
                                           {QStringLiteral("type"), QStringLiteral("test")}}}};
        return QJsonDocument(body).toJson(QJsonDocument::Compact);
    }

    QByteArray vectorsBody(const RecordedRequest &request, const FakeAnswer &how, bool ollama) const
    {
        const int dimension = how.dimension > 0 ? how.dimension : m_dimension;
        const qsizetype count = qMax<qsizetype>(0, request.inputs.size() - how.missing);
        QJsonArray list;
        for (qsizetype i = 0; i < count; ++i) {
            const QJsonArray vector = numbers(vectorFor(request.inputs.at(i), dimension));
            if (ollama) {
                list.append(vector);
                continue;
            }
            const QJsonObject item{{QStringLiteral("object"), QStringLiteral("embedding")},
                                   {QStringLiteral("index"), int(i)},
                                   {QStringLiteral("embedding"), vector}};
            if (how.reversed)
                list.prepend(item);
            else
                list.append(item);
        }
        const QJsonObject body =
            ollama ? QJsonObject{{QStringLiteral("model"), request.model},
                                 {QStringLiteral("embeddings"), list}}
                   : QJsonObject{{QStringLiteral("object"), QStringLiteral("list")},
                                 {QStringLiteral("model"), request.model},
                                 {QStringLiteral("data"), list}};
        return QJsonDocument(body).toJson(QJsonDocument::Compact);
    }

    const int m_dimension;
    QThread m_thread;
    QObject m_context;
    QTcpServer *m_server = nullptr; // lives on m_thread
    quint16 m_port = 0;

    mutable QMutex m_mutex;
    QQueue<FakeAnswer> m_answers;
    QList<RecordedRequest> m_requests;
};

FakeEmbeddingService::FakeEmbeddingService(int dimension) : d(new Impl(dimension)) {}

FakeEmbeddingService::~FakeEmbeddingService()
{
    delete d;
}

QString FakeEmbeddingService::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(d->port());
}

void FakeEmbeddingService::enqueue(const FakeAnswer &answer, int times)
{
    d->enqueue(answer, times);
}

QList<RecordedRequest> FakeEmbeddingService::requests() const
{
    return d->requests();
}

} // namespace aether::test
