#pragma once

#include "server/apireply.h"
#include "server/inflightbudget.h"

#include <QHostAddress>
#include <QPointer>
#include <QTcpServer>
#include <functional>
#include <memory>
#include <optional>

class QTcpSocket;

namespace aether {

struct RequestHead;

// The TCP server handed to QHttpServer::bind(); it reads each request head
// before QHttpServer does, because QHttpServer 6.4 has no limits and parses
// leniently (see ConnectionWatch for what happens to each connection):
// - a head that breaks the framing rules (RequestHead) is refused (400, 431,
//   501, 505) and its connection closed, as are heads over kMaxHeaderBytes;
// - a well-formed head goes to the gate (route, Host, key and role), then its
//   Content-Length is checked against the upload limit (413) and the bytes of
//   bodies in flight against MAX_INFLIGHT_MB (503 with Retry-After); a refused
//   body is discarded unread, so no refusal costs memory;
// - chunked bodies are followed chunk by chunk under the same limits;
// - slow and idle clients are cut off (408), as QHttpServer would keep them.
class ConnectionGuard : public QTcpServer
{
    Q_OBJECT

public:
    // An answer refuses the request before its body is read; nullopt lets it in.
    using HeadGate =
        std::function<std::optional<ApiReply>(const RequestHead &, const QHostAddress &peer)>;
    // Told the status of every request refused here (the gate's included),
    // for aether_http_refusals_total; called on the connection's thread.
    using RefusalCounter = std::function<void(int status)>;

    explicit ConnectionGuard(qint64 maxBodyBytes, QObject *parent = nullptr);

    static constexpr qint64 kMaxHeaderBytes = 64 * 1024;
    static constexpr int kDefaultIdleTimeoutMs = 60 * 1000;
    static constexpr qint64 kDefaultMaxInflightBytes = 256LL * 1024 * 1024;

    // Shared with every connection, so set them before listening.
    void setIdleTimeout(int milliseconds) { m_rules->idleTimeoutMs = milliseconds; }
    void setHeadGate(HeadGate gate) { m_rules->gate = std::move(gate); }
    void setRefusalCounter(RefusalCounter counter) { m_rules->refused = std::move(counter); }
    void setMaxInflightBytes(qint64 bytes) { m_rules->budget = InflightBudget(bytes); }

    const InflightBudget &inflight() const { return m_rules->budget; }

    // Call once QAbstractHttpServer::bind() has connected to this server: each
    // connection's watch then also learns, after QHttpServer's own readyRead
    // handler, how much QHttpServer read, so no byte is inspected twice.
    void followServerReads();

    QTcpSocket *nextPendingConnection() override;

    // What every connection's watch reads; shared so that connections still
    // closing when the server goes away keep a valid budget to release into.
    struct Rules
    {
        qint64 maxBodyBytes = 0;
        int idleTimeoutMs = kDefaultIdleTimeoutMs;
        HeadGate gate;
        RefusalCounter refused;
        InflightBudget budget{kDefaultMaxInflightBytes};
    };

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    std::shared_ptr<Rules> m_rules = std::make_shared<Rules>();
    QList<QPointer<QTcpSocket>> m_handedOver; // since QHttpServer last took sockets
};

} // namespace aether
