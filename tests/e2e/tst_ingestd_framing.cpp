// HTTP framing without loopholes, against the real daemon over raw sockets:
// every head that QHttpServer would read one way and a proxy or the guard
// another is refused before any route runs (the Host check included); the
// connection rules (Connection: close, HTTP/1.0, HEAD) and chunked bodies
// behave as HTTP/1.1 says; refusals carry the headers the RFCs ask for.
#include "daemonprocess.h"
#include "rawhttp.h"
#include "redisprocess.h"

#include <QTest>

using namespace aether::test;

namespace {

const QByteArray kTextRoute = "/knowledge/ingest-text-async";
constexpr int kMaxUploadMb = 1;

QByteArray fieldsNamed(int count)
{
    QByteArray fields;
    for (int i = 0; i < count; ++i)
        fields += "X-Field-" + QByteArray::number(i) + ": v\r\n";
    return fields;
}

QByteArray chunked(const QList<QByteArray> &chunks)
{
    QByteArray body;
    for (const QByteArray &chunk : chunks)
        body += QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n";
    return body + "0\r\n\r\n";
}

QByteArray chunkedPost(const QByteArray &contentType = "application/json")
{
    return "POST " + kTextRoute +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: test-key\r\nContent-Type: " + contentType +
           "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
}

// The value of `name` in an answer's head; empty when absent.
QByteArray headerOf(const QByteArray &answer, const QByteArray &name)
{
    const QByteArray head = answer.left(answer.indexOf("\r\n\r\n"));
    for (const QByteArray &line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == name.toLower())
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

// The status of every answer in `conversation`, in order.
QList<int> statusesOf(const QByteArray &conversation)
{
    QList<int> statuses;
    for (qsizetype at = conversation.indexOf("HTTP/1.1 "); at >= 0;
         at = conversation.indexOf("HTTP/1.1 ", at + 1))
        statuses.append(conversation.mid(at + 9, 3).toInt());
    return statuses;
}

// A head of exactly `size` bytes: `first` (request line and fields) padded.
QByteArray paddedHead(const QByteArray &first, int size)
{
    const QByteArray base = first + "X-Pad: ";
    return base + QByteArray(size - base.size() - 4, 'p') + "\r\n\r\n";
}

const QByteArray kGet = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
// Its body is what a smuggler hides a head in (refused as JSON, answered 400).
const QByteArray kAuthorisedPost = "POST " + kTextRoute +
                                   " HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: test-key\r\n"
                                   "Content-Type: application/json\r\n";

} // namespace

class TestIngestdFraming : public QObject
{
    Q_OBJECT

private:
    void verifyRefusal(const QByteArray &answer, int status)
    {
        QVERIFY2(statusOf(answer) == status, answer.left(400).constData());
        const QJsonObject body = jsonBodyOf(answer);
        QCOMPARE(body.value("ok").toBool(true), false);
        QVERIFY2(!body.value("error").toString().isEmpty(), answer.constData());
    }

    qint64 queued() const
    {
        return m_redis.command({"LLEN", "rq:queue:ingest"}).mid(1).trimmed().toLongLong();
    }

    RedisProcess m_redis;
    DaemonProcess m_daemon;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QProcessEnvironment env = daemonEnvironment(m_redis, 0); // jobs stay queued
        env.insert(QStringLiteral("MAX_UPLOAD_MB"), QString::number(kMaxUploadMb));
        QVERIFY2(m_daemon.start(env), qPrintable(m_daemon.errorText()));
    }

    // Past 100 fields QHttpServer drops them all and still runs the request:
    // without its Host, /metrics was served to "Host: evil.com".
    void moreThan100FieldsAre431()
    {
        const QByteArray evil = "GET /metrics HTTP/1.1\r\nHost: evil.com\r\n";
        verifyRefusal(rawRequest(m_daemon.port(), evil + fieldsNamed(100)), 431);
        const QByteArray fine = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        QCOMPARE(statusOf(rawRequest(m_daemon.port(), fine + fieldsNamed(98))), 200);
    }

    void aLineWithoutColonIs400()
    {
        verifyRefusal(rawRequest(m_daemon.port(),
                                 "GET /metrics HTTP/1.1\r\nHost: evil.com\r\nno colon here\r\n"),
                      400);
        verifyRefusal(
            rawRequest(m_daemon.port(), "GET /metrics HTTP/1.1\r\nHost: evil.com\r\n folded\r\n"),
            400);
    }

    void conflictingContentLengthsAre400()
    {
        const qint64 before = queued();
        const QByteArray head = "POST " + kTextRoute +
                                " HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: test-key\r\n"
                                "Content-Type: application/json\r\n";
        const QByteArray body = "{\"text\":\"smuggled\"}";
        verifyRefusal(
            rawRequest(m_daemon.port(),
                       head + "Content-Length: 19\r\nContent-Length: 5\r\n" + "\r\n" + body),
            400);
        verifyRefusal(rawRequest(m_daemon.port(), head + "Content-Length: 19, 5\r\n\r\n" + body),
                      400);
        verifyRefusal(rawRequest(m_daemon.port(), head + "Content-Length: 19\r\n" +
                                                      "Transfer-Encoding: chunked\r\n\r\n" + body),
                      400);
        // The same length twice is one length.
        const QByteArray twice = head +
                                 "Content-Length: 19\r\nContent-Length: 19\r\n"
                                 "Connection: close\r\n\r\n" +
                                 body;
        QCOMPARE(statusOf(rawExchange(m_daemon.port(), twice)), 200);
        QCOMPARE(queued(), before + 1);
    }

    void http11WithoutHostIs400()
    {
        verifyRefusal(rawRequest(m_daemon.port(), "GET /healthz HTTP/1.1\r\n"), 400);
        verifyRefusal(rawRequest(m_daemon.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                  "Host: 127.0.0.1\r\n"),
                      400);
        // HTTP/1.0 had no Host header yet.
        QCOMPARE(statusOf(rawExchange(m_daemon.port(), "GET /healthz HTTP/1.0\r\n\r\n")), 200);
    }

    void connectionCloseAndHttp10EndTheConnection()
    {
        const RawConversation http10 =
            rawConversation(m_daemon.port(), "GET /healthz HTTP/1.0\r\n\r\n");
        QCOMPARE(statusOf(http10.answer), 200);
        QVERIFY2(http10.closed, http10.answer.constData());

        // A request pipelined after "Connection: close" is not answered.
        const QByteArray get = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        const RawConversation closing = rawConversation(
            m_daemon.port(), get + "Connection: keep-alive, Close\r\n\r\n" + get + "\r\n");
        QCOMPARE(statusOf(closing.answer), 200);
        QCOMPARE(closing.answer.count("HTTP/1.1 "), 1);
        QCOMPARE(headerOf(closing.answer, "Connection").toLower(), QByteArray("close"));
        QVERIFY(closing.closed);

        const RawConversation kept = rawConversation(m_daemon.port(), get + "\r\n", 1000);
        QCOMPARE(statusOf(kept.answer), 200);
        QVERIFY(!kept.closed);
    }

    // HEAD: the GET's status and headers, Content-Length included, no body;
    // the next answer on the connection starts right after the blank line.
    void headSendsHeadersOnly()
    {
        const QByteArray head = "HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        const QByteArray get =
            "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        const RawConversation both = rawConversation(m_daemon.port(), head + get);
        QCOMPARE(statusOf(both.answer), 200);
        QVERIFY(headerOf(both.answer, "Content-Length").toInt() > 0);
        const qsizetype headEnd = both.answer.indexOf("\r\n\r\n") + 4;
        QVERIFY2(both.answer.mid(headEnd).startsWith("HTTP/1.1 200 "), both.answer.constData());
        QVERIFY(jsonBodyOf(both.answer.mid(headEnd)).value("ok").toBool());
    }

    void chunkedBodiesAreAccepted()
    {
        const qint64 before = queued();
        const QByteArray answer = rawExchange(
            m_daemon.port(), chunkedPost() + chunked({"{\"text\":", "\"sent in ", "chunks\"}"}));
        QVERIFY2(statusOf(answer) == 200, answer.constData());
        QCOMPARE(queued(), before + 1);
    }

    // The same limits as Content-Length bodies, checked as the chunks come.
    void chunkedBodiesKeepTheLimits()
    {
        const qint64 before = queued();
        const QByteArray big(512 * 1024, 'a');
        verifyRefusal(rawExchange(m_daemon.port(),
                                  chunkedPost() + chunked({"{\"text\":\"", big, big, big, "\"}"})),
                      413);
        verifyRefusal(rawExchange(m_daemon.port(), chunkedPost() + "zz\r\n{}\r\n0\r\n\r\n"), 400);
        verifyRefusal(rawExchange(m_daemon.port(),
                                  chunkedPost() + "2\r\n{}\r\n0\r\nX-Trailer: smuggled\r\n\r\n"),
                      400);
        verifyRefusal(rawRequest(m_daemon.port(), "POST " + kTextRoute +
                                                      " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                      "Transfer-Encoding: gzip, chunked\r\n"),
                      501);
        QCOMPARE(queued(), before);
    }

    void jsonRoutesRefuseOtherContentTypes()
    {
        const qint64 before = queued();
        const QByteArray body = "{\"text\":\"typed wrongly\"}";
        const QByteArray head = "POST " + kTextRoute +
                                " HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: test-key\r\n"
                                "Connection: close\r\nContent-Length: " +
                                QByteArray::number(body.size()) + "\r\n";
        verifyRefusal(
            rawExchange(m_daemon.port(), head + "Content-Type: text/plain\r\n\r\n" + body), 415);
        verifyRefusal(
            rawExchange(m_daemon.port(),
                        head + "Content-Type: application/x-www-form-urlencoded\r\n\r\n" + body),
            415);
        QCOMPARE(queued(), before);
        QCOMPARE(statusOf(rawExchange(m_daemon.port(), head +
                                                           "Content-Type: application/json; "
                                                           "charset=utf-8\r\n\r\n" +
                                                           body)),
                 200);
        QCOMPARE(queued(), before + 1);
    }

    // QHttpServer signals readyRead again for the bytes left after a request;
    // the guard read them already and must not take them for new requests.
    void pipelinedRequestsAreInspectedOnce()
    {
        const RawConversation conversation = rawConversationInParts(
            m_daemon.port(), {kGet + "\r\n" + "HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                              kGet + "Connection: close\r\n\r\n"});
        QCOMPARE(statusesOf(conversation.answer), QList<int>({200, 200, 200}));
        const qsizetype last = conversation.answer.lastIndexOf("HTTP/1.1 ");
        QVERIFY2(jsonBodyOf(conversation.answer.mid(last)).value("ok").toBool(),
                 conversation.answer.constData());
        QVERIFY(conversation.closed);
    }

    // A body that looks like a head, sent apart: the guard once counted it
    // twice and let a request with 120 fields (Host dropped) reach /metrics.
    void aBodyLikeAHeadSmugglesNothing()
    {
        const QByteArray evil =
            "GET /metrics HTTP/1.1\r\nHost: evil.com\r\n" + fieldsNamed(120) + "\r\n";
        const QByteArray fake =
            paddedHead(kGet + "Content-Length: " + QByteArray::number(evil.size()) + "\r\n", 200);
        const QByteArray withBody = paddedHead(kAuthorisedPost + "Content-Length: 210\r\n", 200);
        const RawConversation conversation = rawConversationInParts(
            m_daemon.port(), {kGet + "\r\n" + withBody, QByteArray(10, 'a') + fake, evil});
        QVERIFY2(!conversation.answer.contains("aether_"), conversation.answer.constData());
        QVERIFY2(statusesOf(conversation.answer).count(200) <= 2, conversation.answer.constData());
        QCOMPARE(statusesOf(conversation.answer).value(2), 431);
    }

    // The same smuggling once hid key guesses from the ban (AUTH_MAX_FAILURES).
    void wrongKeysBehindABodyAreCounted()
    {
        QProcessEnvironment env = daemonEnvironment(m_redis, 0);
        env.insert(QStringLiteral("AUTH_MAX_FAILURES"), QStringLiteral("3"));
        DaemonProcess daemon;
        QVERIFY2(daemon.start(env), qPrintable(daemon.errorText()));
        QList<int> lastStatuses;
        for (int attempt = 0; attempt < 4; ++attempt) {
            const QByteArray guess = "GET /knowledge/documents HTTP/1.1\r\nHost: "
                                     "127.0.0.1\r\nx-api-key: wrong-" +
                                     QByteArray::number(attempt) + "\r\nConnection: close\r\n\r\n";
            const QByteArray fake = paddedHead(
                kGet + "Content-Length: " + QByteArray::number(guess.size()) + "\r\n", 200);
            const QByteArray withBody =
                paddedHead(kAuthorisedPost + "Content-Length: 210\r\n", 200);
            const RawConversation conversation = rawConversationInParts(
                daemon.port(), {kGet + "\r\n" + withBody, QByteArray(10, 'a') + fake, guess}, 200,
                1000);
            // Once banned, the keyed POST before the guess gets the 429.
            lastStatuses.append(statusesOf(conversation.answer).value(attempt < 3 ? 2 : 1));
        }
        QCOMPARE(lastStatuses, QList<int>({401, 401, 401, 429}));
    }

    // Refusing a pipelined request answers the ones before it first.
    void aRefusalKeepsTheRequestsBeforeIt()
    {
        const RawConversation keyless = rawConversation(
            m_daemon.port(), kGet + "\r\nGET /knowledge/documents HTTP/1.1\r\nHost: "
                                    "127.0.0.1\r\n\r\n");
        QCOMPARE(statusesOf(keyless.answer), QList<int>({200, 401}));
        QVERIFY(keyless.closed);
        // After an HTTP/1.0 request (which closes), nothing is read nor answered.
        const RawConversation http10 = rawConversation(
            m_daemon.port(), "GET /healthz HTTP/1.0\r\n\r\nGET /knowledge/documents "
                             "HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: wrong\r\n\r\n");
        QCOMPARE(statusesOf(http10.answer), QList<int>({200}));
        QVERIFY(http10.closed);
    }

    // QHttpServer 6.4 reads two bytes after the last chunk's lone CR: the
    // next request lost its first byte ("method ET").
    void aSplitChunkedEndDoesNotEatTheNextRequest()
    {
        const QByteArray post = chunkedPost();
        const QByteArray keepAlive = post.left(post.indexOf("Connection: close")) + "\r\n";
        const RawConversation conversation =
            rawConversationInParts(m_daemon.port(), {keepAlive + "7\r\n{\"a\":1}\r\n0\r\n\r",
                                                     "\n" + kGet + "Connection: close\r\n\r\n"});
        QVERIFY2(!conversation.answer.contains("ET is not allowed"),
                 conversation.answer.constData());
        QVERIFY2(!statusesOf(conversation.answer).contains(405), conversation.answer.constData());
    }

    // "100 Continue" is an answer too: it waits for those before it.
    void continueComesAfterEarlierAnswers()
    {
        const QByteArray body = "{\"text\":\"hello\"}";
        const QByteArray expecting = "POST " + kTextRoute +
                                     " HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: test-key\r\n"
                                     "Content-Type: application/json\r\nExpect: 100-continue\r\n"
                                     "Connection: close\r\nContent-Length: " +
                                     QByteArray::number(body.size()) + "\r\n\r\n";
        const RawConversation conversation =
            rawConversationInParts(m_daemon.port(), {kGet + "\r\n" + expecting, body});
        QVERIFY2(conversation.answer.startsWith("HTTP/1.1 200 "), conversation.answer.constData());
        const QList<int> statuses = statusesOf(conversation.answer);
        QVERIFY2(statuses.size() >= 2 && statuses.last() == 200, conversation.answer.constData());
    }

    // A HEAD's answer has no body; the refusal of the next head has one.
    void aRefusalAfterHeadHasItsBody()
    {
        const QByteArray answer =
            rawConversation(m_daemon.port(), "HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                                             "GET /metrics HTTP/1.1\r\nHost: evil.com\r\n" +
                                                 fieldsNamed(120) + "\r\n")
                .answer;
        const qsizetype second = answer.indexOf("HTTP/1.1 ", 1);
        QVERIFY2(second > 0, answer.constData());
        verifyRefusal(answer.mid(second), 431);
    }

    void refusalsSayWhatTheRfcsAsk()
    {
        const QByteArray propfind =
            rawRequest(m_daemon.port(), "PROPFIND /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        verifyRefusal(propfind, 405);
        QVERIFY2(jsonBodyOf(propfind).value("error").toString().contains("PROPFIND"),
                 propfind.constData());
        QCOMPARE(headerOf(propfind, "Allow"), QByteArray("GET"));

        const QByteArray misdirected =
            rawRequest(m_daemon.port(), "GET /healthz HTTP/1.1\r\nHost: evil.com\r\n");
        verifyRefusal(misdirected, 421);
        QVERIFY2(misdirected.startsWith("HTTP/1.1 421 Misdirected Request\r\n"),
                 misdirected.constData());

        const QByteArray keyless =
            rawRequest(m_daemon.port(), "GET /knowledge/documents HTTP/1.1\r\n"
                                        "Host: 127.0.0.1\r\n");
        verifyRefusal(keyless, 401);
        QVERIFY2(!headerOf(keyless, "WWW-Authenticate").isEmpty(), keyless.constData());
    }
};

QTEST_GUILESS_MAIN(TestIngestdFraming)
#include "tst_ingestd_framing.moc"
