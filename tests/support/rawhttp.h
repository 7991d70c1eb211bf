#pragma once

#include <QByteArray>
#include <QJsonObject>

namespace aether::test {

// Raw HTTP over a TCP socket, for requests no well-behaved client library
// would send (a chosen Host, a lying Content-Length, header floods, bytes
// dribbled slowly) and for reading exactly what the server wrote.

// Sends `bytes` to 127.0.0.1:port and reads one whole answer, or until the
// server closes or nothing arrives for `quietMs`.
QByteArray rawExchange(quint16 port, const QByteArray &bytes, int quietMs = 5000);
// `head` (request line and headers, each ending in \r\n) plus Connection: close.
QByteArray rawRequest(quint16 port, const QByteArray &head);

// Everything the server wrote after `bytes` until it closed the connection or
// stayed quiet for `quietMs`; `closed` tells which.
struct RawConversation
{
    QByteArray answer;
    bool closed = false;
};
RawConversation rawConversation(quint16 port, const QByteArray &bytes, int quietMs = 3000);
// The same with `parts` written one by one, `pauseMs` apart (each its own
// TCP segment, so the server reads them separately).
RawConversation rawConversationInParts(quint16 port, const QList<QByteArray> &parts,
                                       int pauseMs = 500, int quietMs = 3000);

int statusOf(const QByteArray &answer); // "HTTP/1.1 200 OK" -> 200; 0 when none
QJsonObject jsonBodyOf(const QByteArray &answer);

// Resident memory of a process in kB (VmRSS), 0 when unknown.
qint64 residentKb(qint64 pid);

} // namespace aether::test
