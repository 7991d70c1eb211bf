// What a URL fetch sends and how it decodes what comes back: the agent it
// names, compressed bodies, and compressed bodies that expand too far.
#include "base/ingesterror.h"
#include "fetch/urlfetcher.h"
#include "fixturehttpserver.h"

#include <QTest>

using namespace aether;
using aether::test::FixtureHttpServer;
using aether::test::FixtureResponse;

namespace {

UrlFetchOptions localOptions()
{
    UrlFetchOptions options;
    options.allowPrivate = true; // the fixture listens on 127.0.0.1
    options.totalTimeoutMs = 10000;
    return options;
}

// HTTP's "deflate" is the zlib format, which qCompress writes after a 4-byte length.
QByteArray deflated(const QByteArray &bytes)
{
    return qCompress(bytes, 9).mid(4);
}

} // namespace

class TestFetchEncoding : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sendsABrowserLikeAgentThatNamesAether()
    {
        FixtureHttpServer server;
        server.setResponse(
            "/page", FixtureResponse{200, "OK", {{"Content-Type", "text/html"}}, "<p>hi</p>", 0});
        UrlFetcher(localOptions()).fetch(QUrl::fromEncoded(server.url("/page")));
        const QByteArray head = server.lastRequestHead("/page").toLower();
        QVERIFY2(head.contains("user-agent: mozilla/5.0") && head.contains("aetheringest/"),
                 head.constData());
        const QByteArray encodings = head.mid(head.indexOf("accept-encoding:")).split('\r').first();
        QVERIFY2(encodings.contains("gzip") && encodings.contains("deflate"), head.constData());
        QVERIFY(head.contains("accept: text/html"));
    }

    void decodesCompressedBodies()
    {
        FixtureHttpServer server;
        const QByteArray text = QByteArray("Compressed pages arrive decoded. ").repeated(200);
        server.setResponse(
            "/z", FixtureResponse{200,
                                  "OK",
                                  {{"Content-Type", "text/plain"}, {"Content-Encoding", "deflate"}},
                                  deflated(text),
                                  0});
        const FetchedPage page =
            UrlFetcher(localOptions()).fetch(QUrl::fromEncoded(server.url("/z")));
        QCOMPARE(page.body, text);
    }

    // Bytes after the end of the compressed stream are ignored, and the fetch
    // ends there instead of reading them until the total timeout.
    void endsWhenTheCompressedStreamEnds()
    {
        FixtureHttpServer server;
        const QByteArray text = QByteArray("A page with a tail of noise. ").repeated(100);
        server.setEndless("/tail",
                          {{"Content-Type", "text/plain"}, {"Content-Encoding", "deflate"}},
                          QByteArray("noise ").repeated(1000), deflated(text));
        UrlFetchOptions options = localOptions();
        options.totalTimeoutMs = 60000; // a generous bound: it ends long before
        const FetchedPage page = UrlFetcher(options).fetch(QUrl::fromEncoded(server.url("/tail")));
        QCOMPARE(page.body, text);
    }

    // Some servers send "deflate" without the zlib header; browsers read it.
    void decodesRawDeflate()
    {
        FixtureHttpServer server;
        const QByteArray text = QByteArray("Raw deflate from an old server. ").repeated(200);
        const QByteArray zlib = deflated(text);
        server.setResponse(
            "/raw",
            FixtureResponse{200,
                            "OK",
                            {{"Content-Type", "text/plain"}, {"Content-Encoding", "deflate"}},
                            zlib.mid(2, zlib.size() - 6), // no header, no checksum
                            0});
        const FetchedPage page =
            UrlFetcher(localOptions()).fetch(QUrl::fromEncoded(server.url("/raw")));
        QCOMPARE(page.body, text);
    }

    // 64 MB of spaces compress to about 64 KB: what counts is what it expands to.
    void aCompressionBombIsTooLarge()
    {
        FixtureHttpServer server;
        server.setResponse("/bomb", FixtureResponse{200,
                                                    "OK",
                                                    {{"Content-Type", "text/plain"},
                                                     {"Content-Encoding", "deflate"}},
                                                    deflated(QByteArray(64 * 1024 * 1024, ' ')),
                                                    0});
        UrlFetchOptions options = localOptions();
        options.maxBytes = 8 * 1024 * 1024;
        try {
            UrlFetcher(options).fetch(QUrl::fromEncoded(server.url("/bomb")));
            QFAIL("a body expanding past the cap was accepted");
        } catch (const IngestError &error) {
            QVERIFY2(error.kind() == QStringLiteral("TooLarge"), qPrintable(error.message()));
        }
    }
};

QTEST_GUILESS_MAIN(TestFetchEncoding)
#include "tst_fetchencoding.moc"
