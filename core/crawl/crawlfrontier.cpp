#include "crawl/crawlfrontier.h"

#include "base/ingesterror.h"
#include "crawl/crawlrules.h"
#include "fetch/urlfetcher.h"
#include "queue/jobqueue.h"
#include "queue/redisconnection.h"
#include "queue/rediskeys.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSet>

namespace aether {

namespace {

Q_LOGGING_CATEGORY(lcCrawl, "aether.crawl")

constexpr int kMaxSitemapFetches = 10;

QByteArray crawlKey(const QByteArray &id)
{
    return keys::kCrawlPrefix + id;
}

QByteArray seenKey(const QByteArray &id)
{
    return keys::kCrawlPrefix + id + ":seen";
}

QByteArray jsonList(const QStringList &list)
{
    return QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact);
}

QStringList listOf(const QByteArray &json)
{
    QStringList list;
    for (const QJsonValue &value : QJsonDocument::fromJson(json).array())
        list.append(value.toString());
    return list;
}

JobFields hashOf(const QList<QByteArray> &pairs)
{
    JobFields fields;
    for (qsizetype i = 0; i + 1 < pairs.size(); i += 2)
        fields.insert(pairs[i], pairs[i + 1]);
    return fields;
}

// KEYS: the crawl; ARGV: now ms, pages, delay ms. Reserves `pages` fetch
// slots `delay` apart from the next free one; returns the first.
const QByteArray kReserveSlots = R"lua(
local now = tonumber(ARGV[1])
local slot = math.max(now, tonumber(redis.call('HGET', KEYS[1], 'next_slot_ms') or '0'))
redis.call('HSET', KEYS[1], 'next_slot_ms', slot + tonumber(ARGV[2]) * tonumber(ARGV[3]))
return slot
)lua";

JobRequest pageRequest(const QByteArray &id, const JobFields &crawl, const QUrl &url, int depth)
{
    JobRequest request;
    request.type = JobType::Url;
    request.id = JobQueue::newJobId();
    request.tenant = QString::fromUtf8(crawl.value("tenant"));
    request.source = QString::fromUtf8(crawl.value("source"));
    request.url = url.toString();
    request.metadata = crawl.value("metadata");
    request.batchId = id;
    request.crawlId = id;
    request.crawlDepth = depth;
    request.priority = "low"; // behind what people wait for
    return request;
}

} // namespace

QByteArray CrawlFrontier::start(JobQueue &queue, const CrawlRequest &request)
{
    const QByteArray id = JobQueue::newJobId();
    const QUrl start = crawl::canonicalUrl(request.startUrl);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    RedisConnection &redis = queue.connection();
    redis.pipeline({{"HSET",         crawlKey(id),
                     "tenant",       request.tenant.toUtf8(),
                     "source",       request.source.toUtf8(),
                     "start_url",    start.toString().toUtf8(),
                     "max_pages",    QByteArray::number(request.maxPages),
                     "max_depth",    QByteArray::number(request.maxDepth),
                     "include",      jsonList(request.include),
                     "exclude",      jsonList(request.exclude),
                     "same_site",    request.sameSite ? "1" : "0",
                     "metadata",     request.metadata,
                     "delay_ms",     QByteArray::number(request.delayMs),
                     "state",        "running",
                     "queued",       "1",
                     "next_slot_ms", QByteArray::number(now + request.delayMs),
                     "created_at",   QByteArray::number(now)},
                    {"EXPIRE", crawlKey(id), QByteArray::number(kTtlSec)},
                    {"SADD", seenKey(id), start.toString().toUtf8()},
                    {"EXPIRE", seenKey(id), QByteArray::number(kTtlSec)}});
    JobFields crawl{{"tenant", request.tenant.toUtf8()},
                    {"source", request.source.toUtf8()},
                    {"metadata", request.metadata}};
    BatchRecord batch;
    batch.id = id;
    batch.tenant = request.tenant;
    batch.source = request.source;
    queue.enqueueBatch({pageRequest(id, crawl, start, 0)}, &batch);
    return id;
}

void CrawlFrontier::follow(const JobFields &fields, const CrawlPage &page)
{
    const QByteArray id = fields.value("crawl_id");
    RedisConnection &redis = m_queue.connection();
    const JobFields crawl = hashOf(redis.command({"HGETALL", crawlKey(id)}).strings());
    if (crawl.value("state") != "running")
        return; // canceled, or expired
    const int depth = fields.value("crawl_depth").toInt();
    // The page as fetched and as it names itself are not fetched again.
    QList<RedisCommand> seen{
        {"SADD", seenKey(id), crawl::canonicalUrl(page.url).toString().toUtf8()}};
    if (const QUrl canonical = crawl::canonicalUrl(page.canonicalUrl); !canonical.isEmpty())
        seen.append({"SADD", seenKey(id), canonical.toString().toUtf8()});
    redis.pipeline(seen);

    QList<QUrl> candidates;
    if (depth == 0)
        readSiteFiles(id, crawl, candidates);
    const JobFields current =
        depth == 0 ? hashOf(redis.command({"HGETALL", crawlKey(id)}).strings()) : crawl;
    if (depth < crawl.value("max_depth").toInt())
        candidates += page.links;
    QList<JobRequest> pages = admit(id, current, candidates, depth + 1);
    if (pages.isEmpty())
        return;
    const int delayMs =
        qMax(current.value("delay_ms").toInt(),
             crawl::RobotsRules::fromStored(current.value("robots")).crawlDelayMs());
    const qint64 firstSlot =
        redis
            .script(kReserveSlots, {crawlKey(id)},
                    {QByteArray::number(QDateTime::currentMSecsSinceEpoch()),
                     QByteArray::number(pages.size()), QByteArray::number(delayMs)})
            .integer();
    RedisCommand members{"RPUSH", keys::batchJobs(id)};
    for (qsizetype i = 0; i < pages.size(); ++i) {
        pages[i].notBeforeMs = firstSlot + i * delayMs;
        members << pages[i].id;
    }
    // Counted in the batch before they exist, while this page still runs:
    // the batch cannot look finished in between.
    redis.pipeline(
        {{"HINCRBY", keys::batch(id), "total", QByteArray::number(pages.size())}, members});
    m_queue.enqueueBatch(pages);
    qCInfo(lcCrawl, "crawl %s: %lld pages queued from %s", id.constData(), qint64(pages.size()),
           qPrintable(page.url.toString()));
}

// robots.txt, then the sitemaps it names and /sitemap.xml (an index one
// level deep). Every fetch goes through the same guard as a URL job's; a
// missing file is no error.
void CrawlFrontier::readSiteFiles(const QByteArray &id, const JobFields &crawl,
                                  QList<QUrl> &candidates)
{
    const QUrl start(QString::fromUtf8(crawl.value("start_url")));
    const auto fetch = [this](const QUrl &url) -> QByteArray {
        try {
            return m_fetcher.fetch(url).body;
        } catch (const IngestError &error) {
            qCInfo(lcCrawl, "%s: %s", qPrintable(url.toString()), qPrintable(error.toString()));
            return {};
        }
    };
    const crawl::RobotsRules robots =
        crawl::RobotsRules::parse(fetch(start.resolved(QUrl(QStringLiteral("/robots.txt")))));
    m_queue.connection().command({"HSET", crawlKey(id), "robots", robots.stored()});

    QList<QUrl> sitemaps{start.resolved(QUrl(QStringLiteral("/sitemap.xml")))};
    for (const QString &named : robots.sitemaps())
        sitemaps.prepend(start.resolved(QUrl(named)));
    QSet<QString> fetched;
    for (qsizetype i = 0; i < sitemaps.size() && fetched.size() < kMaxSitemapFetches; ++i) {
        const QString key = crawl::canonicalUrl(sitemaps[i]).toString();
        if (key.isEmpty() || fetched.contains(key))
            continue;
        fetched.insert(key);
        const crawl::SitemapEntries entries =
            crawl::parseSitemap(fetch(sitemaps[i]), kMaxSitemapUrls);
        for (const QString &url : entries.pages)
            candidates.append(sitemaps[i].resolved(QUrl(url)));
        // Only about as many are kept as can be fetched (twice that, for
        // repeats): an index naming 50,000 sitemaps builds no list of them here.
        for (const QString &child : entries.sitemaps) {
            if (sitemaps.size() >= 2 * kMaxSitemapFetches)
                break;
            sitemaps.append(sitemaps[i].resolved(QUrl(child)));
        }
    }
}

// The candidates a crawl takes: same site (when asked), the include and
// exclude globs, robots.txt, not seen before, within max_pages. What each
// rule turned away is counted in the crawl's hash.
QList<JobRequest> CrawlFrontier::admit(const QByteArray &id, const JobFields &crawl,
                                       const QList<QUrl> &candidates, int depth)
{
    const QUrl start(QString::fromUtf8(crawl.value("start_url")));
    const bool sameSite = crawl.value("same_site") == "1";
    const QStringList include = listOf(crawl.value("include"));
    const QStringList exclude = listOf(crawl.value("exclude"));
    const crawl::RobotsRules robots = crawl::RobotsRules::fromStored(crawl.value("robots"));
    int offSite = 0;
    int excluded = 0;
    int disallowed = 0;
    QList<QUrl> allowed;
    QSet<QString> unique;
    for (const QUrl &candidate : candidates) {
        const QUrl url = crawl::canonicalUrl(candidate);
        if (url.isEmpty() || unique.contains(url.toString()))
            continue; // mailto:, javascript:, a repeat on this page
        unique.insert(url.toString());
        const QString path = url.path();
        if (sameSite && !crawl::sameSite(url, start))
            ++offSite;
        else if ((!include.isEmpty() && !crawl::matchesAny(include, path)) ||
                 crawl::matchesAny(exclude, path))
            ++excluded;
        else if (!robots.allows(url.toString(QUrl::RemoveScheme | QUrl::RemoveAuthority)))
            ++disallowed;
        else
            allowed.append(url);
    }
    RedisConnection &redis = m_queue.connection();
    QList<RedisCommand> adds;
    for (const QUrl &url : allowed)
        adds.append({"SADD", seenKey(id), url.toString().toUtf8()});
    const QList<RedisReply> added = adds.isEmpty() ? QList<RedisReply>() : redis.pipeline(adds);
    QList<QUrl> fresh;
    for (qsizetype i = 0; i < allowed.size(); ++i) {
        if (added[i].integer() == 1)
            fresh.append(allowed[i]);
    }
    qint64 overBudget = 0;
    if (!fresh.isEmpty()) {
        const qint64 queued =
            redis.command({"HINCRBY", crawlKey(id), "queued", QByteArray::number(fresh.size())})
                .integer();
        overBudget =
            qBound<qint64>(0, queued - crawl.value("max_pages").toLongLong(), fresh.size());
        if (overBudget > 0) {
            redis.command({"HINCRBY", crawlKey(id), "queued", QByteArray::number(-overBudget)});
            fresh.resize(fresh.size() - overBudget);
        }
    }
    redis.pipeline(
        {{"HINCRBY", crawlKey(id), "skipped_off_site", QByteArray::number(offSite)},
         {"HINCRBY", crawlKey(id), "skipped_excluded", QByteArray::number(excluded)},
         {"HINCRBY", crawlKey(id), "skipped_robots", QByteArray::number(disallowed)},
         {"HINCRBY", crawlKey(id), "skipped_over_budget", QByteArray::number(overBudget)}});
    QList<JobRequest> pages;
    for (const QUrl &url : fresh)
        pages.append(pageRequest(id, crawl, url, depth));
    return pages;
}

bool CrawlFrontier::cancel(JobQueue &queue, const QByteArray &id, const QString &tenant)
{
    if (!state(queue, id, tenant))
        return false;
    queue.connection().command({"HSET", crawlKey(id), "state", "canceled"});
    return true;
}

std::optional<JobFields> CrawlFrontier::state(JobQueue &queue, const QByteArray &id,
                                              const QString &tenant)
{
    const JobFields crawl = hashOf(queue.connection().command({"HGETALL", crawlKey(id)}).strings());
    if (crawl.isEmpty() || (!tenant.isEmpty() && crawl.value("tenant") != tenant.toUtf8()))
        return std::nullopt;
    return crawl;
}

} // namespace aether
