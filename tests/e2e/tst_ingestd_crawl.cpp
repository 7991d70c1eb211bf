// Site crawls against the real daemon, Redis and loopback fixture sites: a
// site of 31 pages with robots.txt (a disallowed folder), a sitemap (pages no
// link reaches), a loop of links, fragments and an off-site link is ingested
// exactly once per allowed same-site page, and nothing else is fetched; the
// page budget, robots' Crawl-delay, cancel and the 422s hold.
#include "daemonprocess.h"
#include "fixturehttpserver.h"
#include "jobpoller.h"
#include "redisprocess.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace aether;
using namespace aether::test;

namespace {

const Headers kEditorA{{"x-api-key", "ed-a"}};
const Headers kEditorB{{"x-api-key", "ed-b"}};

FixtureResponse html(const QString &title, const QStringList &links)
{
    QByteArray body = "<html><head><title>" + title.toUtf8() + "</title></head><body><main><h1>" +
                      title.toUtf8() + "</h1><p>This page is about " + title.toUtf8() +
                      " and nothing else.</p><ul>";
    for (const QString &link : links)
        body += "<li><a href=\"" + link.toUtf8() + "\">" + link.toUtf8() + "</a></li>";
    body += "</ul></main></body></html>";
    return FixtureResponse{200, "OK", {{"Content-Type", "text/html; charset=utf-8"}}, body, 0};
}

FixtureResponse text(const QByteArray &contentType, const QByteArray &body)
{
    return FixtureResponse{200, "OK", {{"Content-Type", contentType}}, body, 0};
}

QByteArray page(int n)
{
    return "/p/" + QByteArray::number(n);
}

} // namespace

class TestIngestdCrawl : public QObject
{
    Q_OBJECT

private:
    QJsonObject startCrawl(const QJsonObject &body, const Headers &key = kEditorA)
    {
        const HttpResult reply =
            m_client->postJson(QStringLiteral("/knowledge/crawl-async"), body, key);
        if (reply.status != 200)
            return {{"refused", reply.status}, {"error", reply.json().value("error")}};
        return reply.json();
    }

    QJsonObject crawlState(const QString &id, const Headers &key = kEditorA)
    {
        return m_client->get(QStringLiteral("/knowledge/crawls/") + id, key).json();
    }

    QJsonObject waitForCrawl(const QString &id, const Headers &key = kEditorA)
    {
        QElapsedTimer timer;
        timer.start();
        QJsonObject state;
        while (timer.elapsed() < 60000) {
            state = crawlState(id, key);
            if (state.value("state").toString() != QLatin1String("running"))
                break;
            QThread::msleep(100);
        }
        return state;
    }

    int documentCount(const Headers &key)
    {
        return m_client->get(QStringLiteral("/knowledge/documents?limit=500"), key)
            .json()
            .value("documents")
            .toArray()
            .size();
    }

    RedisProcess m_redis;
    FixtureHttpServer m_site;
    FixtureHttpServer m_elsewhere; // another port: another site
    DaemonProcess m_daemon;
    std::unique_ptr<HttpClient> m_client;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QProcessEnvironment env = daemonEnvironment(m_redis, 2);
        env.insert(QStringLiteral("API_KEYS"), QStringLiteral("ed-a:editor:tenA,ed-b:editor:tenB"));
        env.insert(QStringLiteral("ADMIN_KEY"), QStringLiteral("admin-secret-123"));
        env.insert(QStringLiteral("URL_ALLOW_PRIVATE"), QStringLiteral("1")); // loopback sites
        env.insert(QStringLiteral("CRAWL_DELAY_MS"), QStringLiteral("0"));
        QVERIFY2(m_daemon.start(env), qPrintable(m_daemon.errorText()));
        m_client = std::make_unique<HttpClient>(m_daemon.baseUrl());

        // "/" links to pages 1..20 (one twice, one with a fragment), a
        // disallowed page and another site; each page links on and back home
        // (a loop); pages 21..30 only the sitemap names.
        QStringList home;
        for (int n = 1; n <= 20; ++n)
            home.append(QString::fromLatin1(page(n)));
        home << QStringLiteral("/p/3#section") << QStringLiteral("p/4")
             << QStringLiteral("/private/secret") << QStringLiteral("mailto:someone@example.org")
             << QString::fromLatin1(m_elsewhere.url("/away"));
        m_site.setResponse("/", html(QStringLiteral("Home"), home));
        for (int n = 1; n <= 30; ++n) {
            QStringList links{QStringLiteral("/"), QStringLiteral("/private/other")};
            if (n < 30)
                links.append(QString::fromLatin1(page(n + 1)));
            m_site.setResponse(page(n), html(QStringLiteral("Page %1").arg(n), links));
        }
        m_site.setResponse("/private/secret", html(QStringLiteral("Secret"), {}));
        m_site.setResponse("/private/other", html(QStringLiteral("Other secret"), {}));
        m_elsewhere.setResponse("/away", html(QStringLiteral("Away"), {}));
        m_site.setResponse("/robots.txt",
                           text("text/plain", "User-agent: *\nDisallow: /private/\nSitemap: " +
                                                  m_site.url("/sitemap.xml") + "\n"));
        QByteArray sitemap = "<?xml version=\"1.0\"?>\n<urlset "
                             "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">";
        for (int n = 21; n <= 30; ++n)
            sitemap += "<url><loc>" + m_site.url(page(n)) + "</loc></url>";
        sitemap += "<url><loc>" + m_site.url("/p/5") + "</loc></url></urlset>";
        m_site.setResponse("/sitemap.xml", text("application/xml", sitemap));
    }

    void badRequestsAreRefused()
    {
        const QString url = QString::fromLatin1(m_site.url("/"));
        const QList<QJsonObject> bad{{{"url", url}, {"max_pages", 0}},
                                     {{"url", url}, {"max_pages", 10001}},
                                     {{"url", url}, {"max_depth", -1}},
                                     {{"url", "ftp://example.org/"}},
                                     {{"url", url}, {"include", "/docs/*"}},
                                     {{"url", url}, {"same_site", "yes"}},
                                     {}};
        for (const QJsonObject &body : bad) {
            const QJsonObject refused = startCrawl(body);
            QVERIFY2(refused.value("refused").toInt() == 422, QJsonDocument(body).toJson());
        }
        QCOMPARE(m_site.requestCount("/"), 0);
    }

    void aSiteIsCrawledOncePageByPageWithinItsRules()
    {
        const QJsonObject started =
            startCrawl({{"url", QString::fromLatin1(m_site.url("/"))}, {"max_pages", 100}});
        const QString id = started.value("crawl_id").toString();
        QVERIFY2(!id.isEmpty(), QJsonDocument(started).toJson());
        const QJsonObject done = waitForCrawl(id);
        QCOMPARE(done.value("state").toString(), QStringLiteral("finished"));
        const QJsonObject pages = done.value("pages").toObject();
        QCOMPARE(pages.value("finished").toInt(), 31);
        QCOMPARE(done.value("total").toInt(), 31);

        QCOMPARE(m_site.requestCount("/"), 1);
        for (int n = 1; n <= 30; ++n)
            QVERIFY2(m_site.requestCount(page(n)) == 1, page(n).constData());
        QCOMPARE(m_site.requestCount("/private/secret"), 0);
        QCOMPARE(m_site.requestCount("/private/other"), 0);
        QCOMPARE(m_elsewhere.requestCount("/away"), 0);
        QCOMPARE(documentCount(kEditorA), 31);

        const QJsonObject skipped = done.value("skipped").toObject();
        QVERIFY(skipped.value("robots").toInt() >= 1);
        QVERIFY(skipped.value("off_site").toInt() >= 1);
        // The batch is the crawl's: its status says the same.
        const QJsonObject batch =
            m_client->get(QStringLiteral("/ops/batches/") + id, kEditorA).json();
        QCOMPARE(batch.value("total").toInt(), 31);
        QCOMPARE(batch.value("finished").toBool(), true);
        // Another tenant does not see it.
        QCOMPARE(m_client->get(QStringLiteral("/knowledge/crawls/") + id, kEditorB).status, 404);
        QCOMPARE(m_client->post(QStringLiteral("/knowledge/crawls/%1/cancel").arg(id), {}, kEditorB)
                     .status,
                 404);
    }

    void maxPagesAndIncludeAreKept()
    {
        const QJsonObject started = startCrawl({{"url", QString::fromLatin1(m_site.url("/"))},
                                                {"max_pages", 5},
                                                {"exclude", QJsonArray{"/p/1", "/p/2"}}},
                                               kEditorB);
        const QJsonObject done = waitForCrawl(started.value("crawl_id").toString(), kEditorB);
        QCOMPARE(done.value("total").toInt(), 5);
        QCOMPARE(done.value("pages").toObject().value("finished").toInt(), 5);
        QVERIFY(done.value("skipped").toObject().value("over_budget").toInt() > 0);
        QVERIFY(done.value("skipped").toObject().value("excluded").toInt() >= 2);
        QCOMPARE(m_site.requestCount("/p/1"), 1); // only by the first crawl
        QCOMPARE(documentCount(kEditorB), 5);
    }

    // robots.txt's Crawl-delay spaces the fetches; cancel queues no more.
    void crawlDelayAndCancel()
    {
        FixtureHttpServer slow;
        QStringList links;
        for (int n = 1; n <= 10; ++n)
            links.append(QString::fromLatin1(page(n)));
        slow.setResponse("/", html(QStringLiteral("Slow home"), links));
        for (int n = 1; n <= 10; ++n)
            slow.setResponse(page(n), html(QStringLiteral("Slow %1").arg(n), {}));
        slow.setResponse("/robots.txt", text("text/plain", "User-agent: *\nCrawl-delay: 1\n"));
        const QJsonObject started =
            startCrawl({{"url", QString::fromLatin1(slow.url("/"))}}, kEditorB);
        const QString id = started.value("crawl_id").toString();
        QTRY_VERIFY_WITH_TIMEOUT(slow.requestCount("/p/2") == 1, 20000);
        // At least a second apart, as robots.txt asks (a lower bound: a busy
        // machine only spaces them further).
        QVERIFY(slow.lastRequestAtMs("/p/2") - slow.lastRequestAtMs("/p/1") >= 900);

        const HttpResult canceled =
            m_client->post(QStringLiteral("/knowledge/crawls/%1/cancel").arg(id), {}, kEditorB);
        QCOMPARE(canceled.status, 200);
        QVERIFY(canceled.json().value("canceled").toInt() > 0);
        const QJsonObject state = crawlState(id, kEditorB);
        QCOMPARE(state.value("state").toString(), QStringLiteral("canceled"));
        int fetched = 0;
        for (int n = 1; n <= 10; ++n)
            fetched += slow.requestCount(page(n));
        QTest::qWait(2500); // two more Crawl-delay periods
        int after = 0;
        for (int n = 1; n <= 10; ++n)
            after += slow.requestCount(page(n));
        QVERIFY2(after <= fetched + 1,
                 qPrintable(QStringLiteral("%1 -> %2").arg(fetched).arg(after)));
        QVERIFY(after < 10);
    }
};

QTEST_GUILESS_MAIN(TestIngestdCrawl)
#include "tst_ingestd_crawl.moc"
