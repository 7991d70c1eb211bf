#include "base/ingesterror.h"
#include "fetch/addressguard.h"
#include "fetch/urlfetcher.h"
#include "fixturehttpserver.h"

#include <QElapsedTimer>
#include <QTcpServer>
#include <QTest>
#include <QThread>

#include <memory>
#include <optional>

using aether::AddressGuard;
using aether::CancelToken;
using aether::FetchedPage;
using aether::IngestError;
using aether::JobInterrupted;
using aether::UrlFetcher;
using aether::UrlFetchOptions;
using aether::test::FixtureHttpServer;
using aether::test::FixtureResponse;

namespace {

// The fixture listens on 127.0.0.1, which the guard refuses unless allowed.
UrlFetchOptions localOptions()
{
    UrlFetchOptions options;
    options.allowPrivate = true;
    options.connectTimeoutMs = 5000;
    options.totalTimeoutMs = 10000;
    return options;
}

std::optional<IngestError> fetchError(const QByteArray &url,
                                      const UrlFetchOptions &options = localOptions())
{
    try {
        UrlFetcher(options).fetch(QUrl::fromEncoded(url));
    } catch (const IngestError &error) {
        return error;
    }
    return std::nullopt;
}

// The reason the fetch was interrupted with, or nothing if it was not.
std::optional<JobInterrupted::Reason> fetchInterruption(const QByteArray &url,
                                                        const CancelToken &cancel)
{
    try {
        UrlFetcher(localOptions()).fetch(QUrl::fromEncoded(url), cancel);
    } catch (const JobInterrupted &interrupted) {
        return interrupted.reason();
    }
    return std::nullopt;
}

FixtureResponse page(const QByteArray &body, const QByteArray &contentType = "text/html")
{
    FixtureResponse response;
    response.headers = {{"Content-Type", contentType}};
    response.body = body;
    return response;
}

FixtureResponse status(int code, const QByteArray &reason)
{
    FixtureResponse response;
    response.status = code;
    response.reason = reason;
    response.body = reason;
    return response;
}

} // namespace

// Tests fetching URL jobs' pages against a local HTTP server.
class TestUrlFetcher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fetchesBodyAndContentType();
    void fetchesOnWorkerThread();
    void notFoundIsPermanentHttpError();
    void httpErrorStatuses_data();
    void httpErrorStatuses();
    void followsFiveRedirects();
    void refusesSixthRedirect();
    void resolvesRelativeRedirects();
    void refusesLoopbackWithoutContactingServer();
    void refusesLoopbackHost();
    void refusesNonHttpSchemes_data();
    void refusesNonHttpSchemes();
    void refusesBodyOverDeclaredLimit();
    void refusesBodyOverLimitWhileDownloading();
    void endlessBodyStopsNearTheCap();
    void messagesNeverShowCredentials();
    void connectTimeout();
    void totalTimeout();
    void connectionRefusedIsTransient();
    void interruptedTokenContactsNoServer();
    void interruptFromAnotherThreadAbortsTransfer();
    void deadlineAbortsTransferAsTimeout();
    void neverTokenFetchesAsBefore();

private:
    FixtureHttpServer m_server;
};

void TestUrlFetcher::fetchesBodyAndContentType()
{
    m_server.setResponse("/hello", page("<h1>hello</h1>", "text/html; charset=utf-8"));
    const FetchedPage fetched = UrlFetcher(localOptions()).fetch(QUrl(m_server.url("/hello?x=1")));
    QCOMPARE(fetched.httpStatus, 200);
    QCOMPARE(fetched.body, QByteArray("<h1>hello</h1>"));
    QCOMPARE(fetched.contentType, QStringLiteral("text/html; charset=utf-8"));
    QCOMPARE(fetched.finalUrl, QUrl(m_server.url("/hello?x=1")));
    QCOMPARE(m_server.requestCount("/hello"), 1);
}

// Workers call fetch() from their own threads, which run no event loop of their own.
void TestUrlFetcher::fetchesOnWorkerThread()
{
    m_server.setResponse("/worker", page("from a worker"));
    QByteArray body;
    QString failure;
    std::unique_ptr<QThread> worker(QThread::create([&] {
        try {
            body = UrlFetcher(localOptions()).fetch(QUrl(m_server.url("/worker"))).body;
        } catch (const IngestError &error) {
            failure = error.toString();
        }
    }));
    worker->start();
    QVERIFY(worker->wait(10000));
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QCOMPARE(body, QByteArray("from a worker"));
}

void TestUrlFetcher::notFoundIsPermanentHttpError()
{
    const std::optional<IngestError> error = fetchError(m_server.url("/missing"));
    QVERIFY(error);
    QCOMPARE(error->toString(), QStringLiteral("HTTPError: 404 Not Found"));
    QCOMPARE(QString::fromUtf8(error->what()), QStringLiteral("HTTPError: 404 Not Found"));
    QVERIFY(!error->isTransient());
}

void TestUrlFetcher::httpErrorStatuses_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QByteArray>("reason");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<bool>("transient");
    QTest::newRow("500") << 500 << QByteArray("Internal Server Error")
                         << QStringLiteral("HTTPError: 500 Internal Server Error") << true;
    QTest::newRow("503") << 503 << QByteArray("Service Unavailable")
                         << QStringLiteral("HTTPError: 503 Service Unavailable") << true;
    QTest::newRow("429") << 429 << QByteArray("Too Many Requests")
                         << QStringLiteral("HTTPError: 429 Too Many Requests") << true;
    QTest::newRow("403") << 403 << QByteArray("Forbidden")
                         << QStringLiteral("HTTPError: 403 Forbidden") << false;
    // A status line without a reason phrase gets the standard one.
    QTest::newRow("410 no reason")
        << 410 << QByteArray() << QStringLiteral("HTTPError: 410 Gone") << false;
}

void TestUrlFetcher::httpErrorStatuses()
{
    QFETCH(int, code);
    QFETCH(QByteArray, reason);
    QFETCH(QString, expected);
    QFETCH(bool, transient);
    const QByteArray path = "/status/" + QByteArray::number(code);
    m_server.setResponse(path, status(code, reason));
    const std::optional<IngestError> error = fetchError(m_server.url(path));
    QVERIFY(error);
    QCOMPARE(error->toString(), expected);
    QCOMPARE(error->isTransient(), transient);
}

void TestUrlFetcher::followsFiveRedirects()
{
    for (int i = 1; i <= 5; ++i) {
        const QByteArray next =
            i < 5 ? QByteArray("/five/" + QByteArray::number(i + 1)) : "/five/end";
        m_server.setRedirect("/five/" + QByteArray::number(i), m_server.url(next),
                             i % 2 ? 302 : 301);
    }
    m_server.setResponse("/five/end", page("arrived"));
    const FetchedPage fetched = UrlFetcher(localOptions()).fetch(QUrl(m_server.url("/five/1")));
    QCOMPARE(fetched.body, QByteArray("arrived"));
    QCOMPARE(fetched.finalUrl, QUrl(m_server.url("/five/end")));
}

void TestUrlFetcher::refusesSixthRedirect()
{
    for (int i = 1; i <= 6; ++i) {
        const QByteArray next =
            i < 6 ? QByteArray("/six/" + QByteArray::number(i + 1)) : "/six/end";
        m_server.setRedirect("/six/" + QByteArray::number(i), m_server.url(next));
    }
    m_server.setResponse("/six/end", page("never"));
    const std::optional<IngestError> error = fetchError(m_server.url("/six/1"));
    QVERIFY(error);
    QCOMPARE(error->toString(), QStringLiteral("URLError: too many redirects (more than 5)"));
    QCOMPARE(m_server.requestCount("/six/6"), 1);
    QCOMPARE(m_server.requestCount("/six/end"), 0);
}

void TestUrlFetcher::resolvesRelativeRedirects()
{
    m_server.setRedirect("/rel/a/start", "next", 307);
    m_server.setRedirect("/rel/a/next", "../b/page?q=1", 308);
    m_server.setRedirect("/rel/b/page", "/rel/done", 303);
    m_server.setResponse("/rel/done", page("done", "text/plain"));
    const FetchedPage fetched =
        UrlFetcher(localOptions()).fetch(QUrl(m_server.url("/rel/a/start")));
    QCOMPARE(fetched.body, QByteArray("done"));
    QCOMPARE(fetched.finalUrl, QUrl(m_server.url("/rel/done")));
    QCOMPARE(m_server.requestCount("/rel/b/page"), 1);
}

void TestUrlFetcher::refusesLoopbackWithoutContactingServer()
{
    m_server.setResponse("/private", page("secret"));
    UrlFetchOptions options = localOptions();
    options.allowPrivate = false;
    const std::optional<IngestError> error = fetchError(m_server.url("/private"), options);
    QVERIFY(error);
    QCOMPARE(error->kind(), QStringLiteral("URLError"));
    QVERIFY2(error->message().startsWith(QStringLiteral("refused address 127.0.0.1 for host "
                                                        "127.0.0.1")),
             qPrintable(error->message()));
    QVERIFY(!error->isTransient());
    QCOMPARE(m_server.requestCount("/private"), 0);
}

// A redirect hop runs the same check as the first URL; the fixture cannot serve
// a public first hop, so the check itself is tested here.
void TestUrlFetcher::refusesLoopbackHost()
{
    QVERIFY_THROWS_EXCEPTION(IngestError,
                             AddressGuard::checkHost(QStringLiteral("127.0.0.1"), false));
    QVERIFY_THROWS_EXCEPTION(IngestError,
                             AddressGuard::checkHost(QStringLiteral("localhost"), false));
}

void TestUrlFetcher::refusesNonHttpSchemes_data()
{
    QTest::addColumn<QByteArray>("url");
    QTest::newRow("ftp") << QByteArray("ftp://example.com/file.txt");
    QTest::newRow("file") << QByteArray("file:///etc/passwd");
    QTest::newRow("gopher") << QByteArray("gopher://example.com/");
}

void TestUrlFetcher::refusesNonHttpSchemes()
{
    QFETCH(QByteArray, url);
    const std::optional<IngestError> error = fetchError(url);
    QVERIFY(error);
    QCOMPARE(error->kind(), QStringLiteral("URLError"));
    QVERIFY2(error->message().startsWith(QStringLiteral("unsupported scheme")),
             qPrintable(error->message()));
}

void TestUrlFetcher::refusesBodyOverDeclaredLimit()
{
    m_server.setResponse("/big", page(QByteArray(4096, 'x')));
    UrlFetchOptions options = localOptions();
    options.maxBytes = 1024;
    const std::optional<IngestError> error = fetchError(m_server.url("/big"), options);
    QVERIFY(error);
    QCOMPARE(error->kind(), QStringLiteral("TooLarge"));
    QVERIFY2(error->message().startsWith(QStringLiteral("response larger than ")),
             qPrintable(error->message()));
}

// A compressed body declares a small Content-Length but inflates past the cap,
// so only counting the bytes received catches it.
void TestUrlFetcher::refusesBodyOverLimitWhileDownloading()
{
    const QByteArray inflated(1024 * 1024, 'a');
    FixtureResponse response = page(qCompress(inflated).mid(4), "text/plain");
    response.headers.append(qMakePair(QByteArray("Content-Encoding"), QByteArray("deflate")));
    QVERIFY(response.body.size() < 64 * 1024);
    m_server.setResponse("/bomb", response);

    UrlFetchOptions options = localOptions();
    options.maxBytes = 64 * 1024;
    const std::optional<IngestError> error = fetchError(m_server.url("/bomb"), options);
    QVERIFY(error);
    QCOMPARE(error->kind(), QStringLiteral("TooLarge"));

    options.maxBytes = 2 * 1024 * 1024;
    QCOMPARE(UrlFetcher(options).fetch(QUrl(m_server.url("/bomb"))).body, inflated);
}

// The read buffer is bounded, so the server can push little beyond the cap
// before the transfer is aborted (socket buffers on both ends aside).
void TestUrlFetcher::endlessBodyStopsNearTheCap()
{
    m_server.setEndless("/endless", {{"Content-Type", "text/plain"}}, QByteArray(64 * 1024, 'x'));
    UrlFetchOptions options = localOptions();
    options.maxBytes = 4 * 1024 * 1024;
    const std::optional<IngestError> error = fetchError(m_server.url("/endless"), options);
    QVERIFY(error);
    QCOMPARE(error->kind(), QStringLiteral("TooLarge"));
    const qint64 sent = m_server.bytesSent("/endless");
    qInfo("sent %.1f MB for a cap of %.1f MB", sent / 1048576.0, options.maxBytes / 1048576.0);
    QVERIFY2(sent <= options.maxBytes + 16 * 1024 * 1024, qPrintable(QString::number(sent)));
}

void TestUrlFetcher::messagesNeverShowCredentials()
{
    quint16 closedPort = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        closedPort = probe.serverPort();
    }
    // Refused while connecting, by the scheme check, and by the address guard.
    const QList<QPair<QByteArray, bool>> cases = {
        {"http://alice:S3cretPW@127.0.0.1:" + QByteArray::number(closedPort) + "/x", true},
        {"ftp://alice:S3cretPW@127.0.0.1/x", true},
        {"http://alice:S3cretPW@127.0.0.1/x", false}};
    for (const auto &[url, allowPrivate] : cases) {
        UrlFetchOptions options = localOptions();
        options.allowPrivate = allowPrivate;
        const std::optional<IngestError> error = fetchError(url, options);
        QVERIFY2(error, url.constData());
        QVERIFY2(!error->toString().contains(QStringLiteral("S3cretPW")) &&
                     !error->toString().contains(QStringLiteral("alice")),
                 qPrintable(error->toString()));
    }
}

void TestUrlFetcher::connectTimeout()
{
    FixtureResponse slow = page("late");
    slow.delayMs = 3000;
    m_server.setResponse("/slow-headers", slow);
    UrlFetchOptions options = localOptions();
    options.connectTimeoutMs = 200;
    QElapsedTimer clock;
    clock.start();
    const std::optional<IngestError> error = fetchError(m_server.url("/slow-headers"), options);
    QVERIFY(error);
    QCOMPARE(error->kind(), QStringLiteral("TimeoutError"));
    QVERIFY2(error->message().startsWith(QStringLiteral("no response from 127.0.0.1 within 0.2 s")),
             qPrintable(error->message()));
    QVERIFY(error->isTransient());
    QVERIFY(clock.elapsed() < 2000);
}

void TestUrlFetcher::totalTimeout()
{
    FixtureResponse slow = page("late");
    slow.delayMs = 3000;
    m_server.setResponse("/slow-total", slow);
    UrlFetchOptions options = localOptions();
    options.totalTimeoutMs = 300;
    QElapsedTimer clock;
    clock.start();
    const std::optional<IngestError> error = fetchError(m_server.url("/slow-total"), options);
    QVERIFY(error);
    QCOMPARE(error->kind(), QStringLiteral("TimeoutError"));
    QVERIFY2(error->message().endsWith(QStringLiteral("exceeded 0.3 s")),
             qPrintable(error->message()));
    QVERIFY(error->isTransient());
    QVERIFY(clock.elapsed() < 2000);
}

void TestUrlFetcher::connectionRefusedIsTransient()
{
    // A port that was free a moment ago: nothing listens there now.
    quint16 closedPort = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        closedPort = probe.serverPort();
    }
    const QByteArray url = "http://127.0.0.1:" + QByteArray::number(closedPort) + "/";
    const std::optional<IngestError> error = fetchError(url);
    QVERIFY(error);
    QCOMPARE(error->kind(), QStringLiteral("ConnectionError"));
    QVERIFY(error->isTransient());
}

void TestUrlFetcher::interruptedTokenContactsNoServer()
{
    m_server.setResponse("/canceled-early", page("never read"));
    CancelToken cancel;
    cancel.interrupt(JobInterrupted::Reason::Shutdown);
    QCOMPARE(fetchInterruption(m_server.url("/canceled-early"), cancel),
             JobInterrupted::Reason::Shutdown);
    QCOMPARE(m_server.requestCount("/canceled-early"), 0);
}

// A user cancels a job whose page answers only after 5 s: the worker lets go at once.
void TestUrlFetcher::interruptFromAnotherThreadAbortsTransfer()
{
    FixtureResponse slow = page("late");
    slow.delayMs = 5000;
    m_server.setResponse("/slow-cancel", slow);
    CancelToken cancel;
    QElapsedTimer clock;
    qint64 interruptedAtMs = -1;
    std::unique_ptr<QThread> canceler(QThread::create([&] {
        QThread::msleep(100);
        interruptedAtMs = clock.elapsed();
        cancel.interrupt(JobInterrupted::Reason::Canceled);
    }));
    clock.start();
    canceler->start();
    const std::optional<JobInterrupted::Reason> reason =
        fetchInterruption(m_server.url("/slow-cancel"), cancel);
    const qint64 returnedAtMs = clock.elapsed();
    QVERIFY(canceler->wait(10000));
    QCOMPARE(reason, JobInterrupted::Reason::Canceled);
    QVERIFY2(returnedAtMs < 1000, qPrintable(QString::number(returnedAtMs)));
    QVERIFY2(returnedAtMs - interruptedAtMs < 300,
             qPrintable(QStringLiteral("returned %1 ms after the interrupt")
                            .arg(returnedAtMs - interruptedAtMs)));
    QCOMPARE(m_server.requestCount("/slow-cancel"), 1);
}

// JOB_TIMEOUT is a deadline on the token: it ends the transfer as a Timeout,
// not as the fetcher's own TimeoutError.
void TestUrlFetcher::deadlineAbortsTransferAsTimeout()
{
    FixtureResponse slow = page("late");
    slow.delayMs = 5000;
    m_server.setResponse("/slow-deadline", slow);
    QElapsedTimer clock;
    clock.start();
    const CancelToken cancel(CancelToken::Clock::now() + std::chrono::milliseconds(150));
    QCOMPARE(fetchInterruption(m_server.url("/slow-deadline"), cancel),
             JobInterrupted::Reason::Timeout);
    QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
}

void TestUrlFetcher::neverTokenFetchesAsBefore()
{
    FixtureResponse slowish = page("worth the wait");
    slowish.delayMs = 100;
    m_server.setResponse("/slowish", slowish);
    const CancelToken cancel(CancelToken::Clock::now() + std::chrono::seconds(30));
    QCOMPARE(UrlFetcher(localOptions()).fetch(QUrl(m_server.url("/slowish")), cancel).body,
             QByteArray("worth the wait"));
    QCOMPARE(UrlFetcher(localOptions()).fetch(QUrl(m_server.url("/slowish"))).body,
             QByteArray("worth the wait"));
}

QTEST_GUILESS_MAIN(TestUrlFetcher)
#include "tst_urlfetcher.moc"
