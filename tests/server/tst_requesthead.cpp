// The framing rules on their own: request heads (RequestHead) and chunked
// bodies (ChunkedBody) as ConnectionGuard reads them before QHttpServer does.
#include "server/chunkedbody.h"
#include "server/requesthead.h"

#include <QTest>

using namespace aether;

namespace {

QByteArray fields(int count)
{
    QByteArray lines;
    for (int i = 0; i < count; ++i)
        lines += "\r\nX-" + QByteArray::number(i) + ": v";
    return lines;
}

// Feeds `bytes` in pieces of `step`; returns how many were the body's.
qsizetype feed(ChunkedBody &body, const QByteArray &bytes, qsizetype step)
{
    qsizetype used = 0;
    for (qsizetype at = 0; at < bytes.size() && !body.isComplete() && !body.isMalformed();
         at += step) {
        const qsizetype piece = qMin(step, bytes.size() - at);
        used += body.consume(bytes.constData() + at, piece);
    }
    return used;
}

} // namespace

class TestRequestHead : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void wellFormedHeads()
    {
        const RequestHead head = RequestHead::parse("POST /a?b=1 HTTP/1.1\r\nHost: x\r\nX-Api-Key: "
                                                    "k\r\nContent-Length: 12\r\nx-api-key: j");
        QCOMPARE(head.refusal, 0);
        QCOMPARE(head.method, QByteArray("POST"));
        QCOMPARE(head.target, QByteArray("/a?b=1"));
        QCOMPARE(head.contentLength, 12);
        QVERIFY(head.keepAlive);
        QCOMPARE(head.value("x-api-key"), QByteArray("k, j")); // as QHttpServerRequest::value
        // Bare LF line ends, as QHttpServer accepts them.
        QCOMPARE(RequestHead::parse("GET / HTTP/1.1\nHost: x").refusal, 0);
        QCOMPARE(RequestHead::parse("GET / HTTP/1.1\r\nHost: x" + fields(99)).refusal, 0);
    }

    void refusals_data()
    {
        QTest::addColumn<QByteArray>("block");
        QTest::addColumn<int>("status");
        const QByteArray get = "GET / HTTP/1.1\r\nHost: x";
        QTest::newRow("101 fields") << get + fields(100) << 431;
        QTest::newRow("no colon") << get + "\r\nnocolon" << 400;
        QTest::newRow("folded") << get + "\r\n folded" << 400;
        QTest::newRow("space before colon") << get + "\r\nX-A : v" << 400;
        QTest::newRow("control character") << get + "\r\nX-A: a\x01b" << 400;
        QTest::newRow("two lengths") << get + "\r\nContent-Length: 1\r\nContent-Length: 2" << 400;
        QTest::newRow("length list") << get + "\r\nContent-Length: 1, 1" << 400;
        QTest::newRow("signed length") << get + "\r\nContent-Length: +1" << 400;
        QTest::newRow("huge length") << get + "\r\nContent-Length: 9999999999999999999" << 400;
        QTest::newRow("length and chunked")
            << get + "\r\nContent-Length: 1\r\nTransfer-Encoding: chunked" << 400;
        QTest::newRow("gzip") << get + "\r\nTransfer-Encoding: gzip" << 501;
        QTest::newRow("chunked twice") << get + "\r\nTransfer-Encoding: chunked, chunked" << 501;
        QTest::newRow("no host") << QByteArray("GET / HTTP/1.1\r\nX-A: v") << 400;
        QTest::newRow("two hosts") << get + "\r\nHost: y" << 400;
        QTest::newRow("chunked in 1.0")
            << QByteArray("POST / HTTP/1.0\r\nTransfer-Encoding: chunked") << 400;
        QTest::newRow("HTTP/2") << QByteArray("GET / HTTP/2.0\r\nHost: x") << 505;
        QTest::newRow("no version") << QByteArray("GET /\r\nHost: x") << 400;
        QTest::newRow("two spaces") << QByteArray("GET  / HTTP/1.1\r\nHost: x") << 400;
        QTest::newRow("bad method") << QByteArray("G(T / HTTP/1.1\r\nHost: x") << 400;
    }

    void refusals()
    {
        QFETCH(QByteArray, block);
        QFETCH(int, status);
        const RequestHead head = RequestHead::parse(block);
        QCOMPARE(head.refusal, status);
        QVERIFY(!head.error.isEmpty());
    }

    void sameLengthTwiceIsOneLength()
    {
        const RequestHead head = RequestHead::parse(
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\nContent-Length: 7");
        QCOMPARE(head.refusal, 0);
        QCOMPARE(head.contentLength, 7);
    }

    void connectionRules()
    {
        QVERIFY(!RequestHead::parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Close")
                     .keepAlive);
        QVERIFY(!RequestHead::parse("GET / HTTP/1.0").keepAlive);
        QVERIFY(!RequestHead::parse("GET / HTTP/1.0\r\nConnection: keep-alive").keepAlive);
        const RequestHead chunked =
            RequestHead::parse("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n"
                               "Expect: 100-continue");
        QVERIFY(chunked.chunked);
        QVERIFY(chunked.expectContinue);
        QVERIFY(RequestHead::parse("HEAD / HTTP/1.1\r\nHost: x").isHead());
    }

    void chunkedBodiesInAnyPieces_data()
    {
        QTest::addColumn<int>("step");
        for (const int step : {1, 2, 3, 7, 1000})
            QTest::addRow("%d bytes at a time", step) << step;
    }

    void chunkedBodiesInAnyPieces()
    {
        QFETCH(int, step);
        const QByteArray body =
            "5;ext=\"x\"\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n";
        ChunkedBody chunked;
        QCOMPARE(feed(chunked, body + "GET / HTTP/1.1", step), body.size());
        QVERIFY(chunked.isComplete());
        QCOMPARE(chunked.announcedBytes(), 31);
    }

    void chunkedDataCanBeSkippedUnread()
    {
        ChunkedBody chunked;
        const QByteArray sizeLine = "100000\r\n"; // 1 MB
        QCOMPARE(chunked.consume(sizeLine.constData(), sizeLine.size()), sizeLine.size());
        QCOMPARE(chunked.dataAhead(), 1024 * 1024);
        chunked.skipData(1024 * 1024);
        QCOMPARE(chunked.dataAhead(), 0);
        const QByteArray end = "\r\n0\r\n\r\n";
        chunked.consume(end.constData(), end.size());
        QVERIFY(chunked.isComplete());
    }

    void malformedChunkedBodies_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("not hex") << QByteArray("zz\r\n");
        QTest::newRow("empty size") << QByteArray("\r\n");
        QTest::newRow("bare LF") << QByteArray("5\nhello\r\n");
        QTest::newRow("no CRLF after data") << QByteArray("5\r\nhelloX\r\n");
        QTest::newRow("trailer") << QByteArray("0\r\nX-T: v\r\n\r\n");
        QTest::newRow("size too large") << QByteArray("1000000000000000\r\n");
        QTest::newRow("long line") << QByteArray("1;") + QByteArray(2000, 'e') + "\r\n";
        QTest::newRow("signed") << QByteArray("-5\r\n");
    }

    void malformedChunkedBodies()
    {
        QFETCH(QByteArray, body);
        ChunkedBody chunked;
        feed(chunked, body, 1);
        QVERIFY(chunked.isMalformed());
        QVERIFY(!chunked.error().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestRequestHead)
#include "tst_requesthead.moc"
