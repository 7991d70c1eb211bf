#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QPair>
#include <QTcpServer>
#include <QThread>

namespace aether::test {

// A small HTTP/1.1 server on 127.0.0.1 and a free port, serving fixed answers,
// for URL-fetching tests. It runs on its own thread, so a test may call
// blocking code (UrlFetcher, a daemon's worker) while it serves.
struct FixtureResponse
{
    int status = 200;
    QByteArray reason = "OK";
    QList<QPair<QByteArray, QByteArray>> headers; // e.g. {"Content-Type", "text/html"}
    QByteArray body;
    int delayMs = 0; // wait before answering (timeouts)
};

class FixtureHttpServer
{
public:
    FixtureHttpServer();
    ~FixtureHttpServer();

    // Serve `response` for requests whose path (without query) is `path`.
    void setResponse(const QByteArray &path, const FixtureResponse &response);
    // Serve these in turn (the n-th request gets the n-th); the last repeats.
    void setSequence(const QByteArray &path, const QList<FixtureResponse> &responses);
    void setRedirect(const QByteArray &path, const QByteArray &location, int status = 302);
    // Answers a would-be 200 for `path` with 401 unless the request carries
    // exactly this Authorization value (e.g. "Basic YWxp..."), as a site behind
    // Basic auth does; other statuses of its sequence are served as they are.
    void setRequiredAuthorization(const QByteArray &path, const QByteArray &authorization);
    // Answer 200 with `prefix` then `chunk` repeated until the client goes away
    // (no Content-Length): an endless body, sent as the client drains it so the
    // server itself holds at most about a megabyte per connection.
    void setEndless(const QByteArray &path, const QList<QPair<QByteArray, QByteArray>> &headers,
                    const QByteArray &chunk, const QByteArray &prefix = {});

    quint16 port() const;
    QByteArray url(const QByteArray &path) const; // "http://127.0.0.1:<port><path>"
    int requestCount(const QByteArray &path) const;
    // The request line and headers of the last request for `path`.
    QByteArray lastRequestHead(const QByteArray &path) const;
    // The body of the last request for `path`, and when it arrived (ms since epoch).
    QByteArray lastRequestBody(const QByteArray &path) const;
    qint64 lastRequestAtMs(const QByteArray &path) const;
    // Bytes the socket has handed to the kernel for `path` (endless answers).
    qint64 bytesSent(const QByteArray &path) const;

private:
    class Impl;
    Impl *d;
};

} // namespace aether::test
