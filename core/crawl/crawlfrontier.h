#pragma once

#include "queue/jobrequest.h"

#include <QByteArray>
#include <QStringList>
#include <QUrl>
#include <optional>

namespace aether {

class JobQueue;
class UrlFetcher;
using JobFields = QHash<QByteArray, QByteArray>;

// What a site crawl was asked (POST /knowledge/crawl-async).
struct CrawlRequest
{
    QString tenant;
    QString source = QStringLiteral("web");
    QUrl startUrl;
    int maxPages = 100;  // 1..10,000, the start page included
    int maxDepth = 5;    // links followed from the start page; 0: the start page only
    QStringList include; // globs on the path; empty: every path
    QStringList exclude;
    bool sameSite = true;
    QByteArray metadata; // compact JSON, given to every page's document
    int delayMs = 1000;  // between two fetches of the site (robots' Crawl-delay when larger)
};

// A page of a crawl, as its job found it.
struct CrawlPage
{
    QUrl url;          // as fetched (after redirects)
    QUrl canonicalUrl; // <link rel="canonical">, resolved; may be empty
    QList<QUrl> links; // resolved against the page's base
};

// A crawl's state in Redis, under Aether-only names: aether:crawl:<id> (a hash:
// the request, the counters, the robots rules, the next free fetch slot) and
// aether:crawl:<id>:seen (canonical URLs queued once). Its pages are URL jobs
// of one batch (rq:batch:<id>, so batch status, webhooks and events work);
// each finished page's links are followed here, on the worker that ran it,
// before that page ends (JobHandler::followUp): SADD decides "once", HINCRBY
// the page budget, so any number of workers in any process can share a crawl.
class CrawlFrontier
{
public:
    static constexpr int kTtlSec = 7 * 24 * 3600;
    static constexpr int kMaxPagesLimit = 10000;
    static constexpr int kMaxSitemapUrls = 50000;

    CrawlFrontier(JobQueue &queue, const UrlFetcher &fetcher) : m_queue(queue), m_fetcher(fetcher)
    {}

    // Creates the crawl and its batch with the start page's job; returns the
    // crawl id (also the batch id).
    static QByteArray start(JobQueue &queue, const CrawlRequest &request);
    // Follows a finished page: at depth 0 robots.txt and the sitemaps are read
    // first; then each new allowed link is queued as a page job of the batch.
    void follow(const JobFields &fields, const CrawlPage &page);
    // No page is queued any more (those queued are canceled by the caller).
    static bool cancel(JobQueue &queue, const QByteArray &id, const QString &tenant);
    // The crawl's hash, or nullopt (unknown, expired, another tenant's).
    static std::optional<JobFields> state(JobQueue &queue, const QByteArray &id,
                                          const QString &tenant);

private:
    void readSiteFiles(const QByteArray &id, const JobFields &crawl, QList<QUrl> &candidates);
    QList<JobRequest> admit(const QByteArray &id, const JobFields &crawl,
                            const QList<QUrl> &candidates, int depth);

    JobQueue &m_queue;
    const UrlFetcher &m_fetcher;
};

} // namespace aether
