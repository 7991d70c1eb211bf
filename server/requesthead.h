#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace aether {

// One request's header block (request line and fields, without the blank line
// that ends it), parsed with the framing rules the server enforces before any
// body byte is read. QHttpServer 6.4 parses the same bytes again later, more
// leniently (it drops every field when there are more than 100 or a line has
// no colon, and still runs the request); whatever it would read differently
// is refused here instead.
struct RequestHead
{
    static constexpr int kMaxFields = 100;

    QByteArray method;  // "GET", as sent
    QByteArray target;  // "/path?query", as sent
    QByteArray version; // "HTTP/1.1" or "HTTP/1.0"
    // Names lower-cased, values trimmed, in arrival order.
    QList<QPair<QByteArray, QByteArray>> fields;

    // 0 when the head is well-formed; otherwise the status to refuse it with
    // (400, 431, 501 or 505) and why, for the client.
    int refusal = 0;
    QString error;

    qint64 contentLength = 0; // of the body; 0 when none or chunked
    bool chunked = false;     // Transfer-Encoding: chunked
    bool keepAlive = true;    // false: the connection closes after the answer
    bool expectContinue = false;

    // The values of every field named `lowerName`, joined with ", " (as
    // QHttpServerRequest::value() does); empty when absent.
    QByteArray value(const QByteArray &lowerName) const;
    bool has(const QByteArray &lowerName) const;
    bool isHead() const { return method == "HEAD"; }

    // `block`: the bytes before the blank line; lines end in CRLF or LF.
    static RequestHead parse(const QByteArray &block);

private:
    void refuse(int status, const QString &why);
    bool parseRequestLine(const QByteArray &line);
    bool parseField(const QByteArray &line);
    void decideFraming();
};

} // namespace aether
