#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace aether::crawl {

// The form under which a crawl remembers a URL it has seen: scheme and host
// lower-cased, the default port dropped, the fragment dropped, the path's
// "." and ".." resolved and an empty path made "/". Invalid or non-http(s):
// an empty QUrl.
QUrl canonicalUrl(const QUrl &url);

// Same scheme, host and port: what same_site keeps a crawl within.
bool sameSite(const QUrl &a, const QUrl &b);

// Whether `path` matches one of the globs ("*" any run of characters, "?" one;
// matched against the whole path, e.g. "/docs/*").
bool matchesAny(const QStringList &globs, const QString &path);

// robots.txt (RFC 9309) as it applies to us: the group naming our product
// token, else the "*" group; the longest matching Allow or Disallow wins (Allow
// on a tie); "$" anchors and "*" wildcards in rules. Crawl-delay (seconds,
// not in the RFC but widely used) and Sitemap lines are read too.
class RobotsRules
{
public:
    static constexpr char kProductToken[] = "aetheringest";

    static RobotsRules parse(const QByteArray &text);
    bool allows(const QString &pathAndQuery) const;
    int crawlDelayMs() const { return m_crawlDelayMs; }
    const QStringList &sitemaps() const { return m_sitemaps; }

    // A compact text form kept with the crawl in Redis ("A<rule>" / "D<rule>"
    // lines), read back by fromStored().
    QByteArray stored() const;
    static RobotsRules fromStored(const QByteArray &stored);

private:
    struct Rule
    {
        bool allow = false;
        QString pattern;
    };
    static bool matches(const QString &pattern, const QString &path);

    QList<Rule> m_rules;
    int m_crawlDelayMs = 0;
    QStringList m_sitemaps;
};

// A sitemap's URLs (<urlset><url><loc>) and the sitemaps a sitemap index names
// (<sitemapindex><sitemap><loc>); at most `limit` of each.
struct SitemapEntries
{
    QStringList pages;
    QStringList sitemaps;
};
SitemapEntries parseSitemap(const QByteArray &xml, int limit);

} // namespace aether::crawl
