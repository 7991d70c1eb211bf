#pragma once

#include <QByteArray>
#include <QObject>
#include <QQueue>
#include <optional>

class QTcpSocket;

namespace aether {

// What ConnectionGuard learnt from a request head that QHttpServerRequest does
// not tell: the method as sent, the HTTP version's keep-alive rule.
struct AdmittedRequest
{
    QByteArray method; // "PROPFIND" stays "PROPFIND"
    bool keepAlive = true;
    // What QHttpServer must hand over for this request; anything else means
    // the two parsers framed the bytes differently.
    QByteArray target;       // as sent
    QByteArray host;         // the Host field
    QByteArray keysDigest;   // of x-api-key and x-admin-key (see digestOfKeys)
    quint64 replySlot = 0;   // its place in ReplyOrder, taken when admitted
    bool keyCounted = false; // a wrong key was already counted on the head

    static QByteArray digestOfKeys(const QByteArray &apiKey, const QByteArray &adminKey);
};

// The requests of one connection that ConnectionGuard let through, oldest
// first. QHttpServer hands them to ApiServer in the same order, which takes
// them one by one; a request it hands over that was never admitted means the
// two parsers framed the bytes differently, and is refused.
class AdmittedRequests : public QObject
{
    Q_OBJECT

public:
    // The connection's list, created on first use; lives as long as the socket.
    static AdmittedRequests *of(QTcpSocket *socket);

    void push(AdmittedRequest request) { m_waiting.enqueue(std::move(request)); }
    std::optional<AdmittedRequest> take();
    // The newest, refused before QHttpServer read it whole.
    std::optional<AdmittedRequest> takeLast();

    // Set once a request asked to close the connection: later ones on it are
    // not answered.
    bool isClosing() const { return m_closing; }
    void markClosing() { m_closing = true; }

private:
    explicit AdmittedRequests(QTcpSocket *socket);

    QQueue<AdmittedRequest> m_waiting;
    bool m_closing = false;
};

} // namespace aether
