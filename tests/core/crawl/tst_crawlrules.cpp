// The rules a site crawl follows, alone: canonical URLs, robots.txt groups
// and precedence (RFC 9309), sitemaps and path globs.
#include "crawl/crawlrules.h"

#include <QTest>

using namespace aether::crawl;

class TestCrawlRules : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void canonicalUrls()
    {
        QCOMPARE(canonicalUrl(QUrl(QStringLiteral("HTTP://Example.ORG:80/a/./b/../c#top"))),
                 QUrl(QStringLiteral("http://example.org/a/c")));
        QCOMPARE(canonicalUrl(QUrl(QStringLiteral("https://example.org"))),
                 QUrl(QStringLiteral("https://example.org/")));
        QCOMPARE(canonicalUrl(QUrl(QStringLiteral("https://example.org:8443/x?q=1"))),
                 QUrl(QStringLiteral("https://example.org:8443/x?q=1")));
        QVERIFY(canonicalUrl(QUrl(QStringLiteral("mailto:a@example.org"))).isEmpty());
        QVERIFY(sameSite(QUrl(QStringLiteral("http://a.example/x")),
                         QUrl(QStringLiteral("HTTP://A.example:80/y"))));
        QVERIFY(!sameSite(QUrl(QStringLiteral("http://a.example/x")),
                          QUrl(QStringLiteral("http://a.example:8080/x"))));
        QVERIFY(!sameSite(QUrl(QStringLiteral("http://a.example/")),
                          QUrl(QStringLiteral("https://a.example/"))));
    }

    void robotsGroupsAndPrecedence()
    {
        const QByteArray text = "# comment\n"
                                "User-agent: otherbot\n"
                                "Disallow: /\n"
                                "\n"
                                "User-agent: *\n"
                                "Disallow: /private/\n"
                                "Allow: /private/open\n"
                                "Disallow: /*.pdf$\n"
                                "Crawl-delay: 2\n"
                                "Sitemap: https://example.org/map.xml\n";
        const RobotsRules rules = RobotsRules::parse(text);
        QVERIFY(rules.allows(QStringLiteral("/")));
        QVERIFY(!rules.allows(QStringLiteral("/private/x")));
        QVERIFY(rules.allows(QStringLiteral("/private/open/y"))); // the longer rule wins
        QVERIFY(!rules.allows(QStringLiteral("/docs/a.pdf")));
        QVERIFY(rules.allows(QStringLiteral("/docs/a.pdf?x"))); // "$" anchors
        QCOMPARE(rules.crawlDelayMs(), 2000);
        QCOMPARE(rules.sitemaps(), QStringList{QStringLiteral("https://example.org/map.xml")});
        const RobotsRules stored = RobotsRules::fromStored(rules.stored());
        QVERIFY(!stored.allows(QStringLiteral("/private/x")));
        QCOMPARE(stored.crawlDelayMs(), 2000);

        // A group naming us wins over "*".
        const RobotsRules ours = RobotsRules::parse("User-agent: *\nDisallow: /\n\n"
                                                    "User-agent: AetherIngest\nDisallow: /no\n");
        QVERIFY(ours.allows(QStringLiteral("/yes")));
        QVERIFY(!ours.allows(QStringLiteral("/no")));
        QVERIFY(RobotsRules::parse("").allows(QStringLiteral("/anything")));
        QVERIFY(RobotsRules::parse("User-agent: *\nDisallow:\n").allows(QStringLiteral("/a")));
    }

    void sitemaps()
    {
        const SitemapEntries pages =
            parseSitemap("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc> "
                         "https://example.org/a "
                         "</loc></url><url><loc>https://example.org/b</loc></url></urlset>",
                         10);
        QCOMPARE(pages.pages, (QStringList{QStringLiteral("https://example.org/a"),
                                           QStringLiteral("https://example.org/b")}));
        const SitemapEntries index = parseSitemap(
            "<sitemapindex><sitemap><loc>https://example.org/s1.xml</loc></sitemap></sitemapindex>",
            10);
        QCOMPARE(index.sitemaps, QStringList{QStringLiteral("https://example.org/s1.xml")});
        QCOMPARE(parseSitemap("<urlset><url><loc>a</loc></url><url><loc>b</loc></url></urlset>", 1)
                     .pages.size(),
                 1);
        QVERIFY(parseSitemap("not xml <", 10).pages.isEmpty());
    }

    void globs()
    {
        QVERIFY(matchesAny({QStringLiteral("/docs/*")}, QStringLiteral("/docs/a/b")));
        QVERIFY(!matchesAny({QStringLiteral("/docs/*")}, QStringLiteral("/blog/docs/a")));
        QVERIFY(matchesAny({QStringLiteral("/p/?")}, QStringLiteral("/p/1")));
        QVERIFY(!matchesAny({QStringLiteral("/p/?")}, QStringLiteral("/p/10")));
        QVERIFY(matchesAny({QStringLiteral("/a.b")}, QStringLiteral("/a.b")));
        QVERIFY(!matchesAny({QStringLiteral("/a.b")}, QStringLiteral("/axb"))); // "." is literal
        QVERIFY(!matchesAny({}, QStringLiteral("/x")));
    }
};

QTEST_GUILESS_MAIN(TestCrawlRules)
#include "tst_crawlrules.moc"
