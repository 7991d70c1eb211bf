#include "server/crawlroutes.h"

#include "access/accesspolicy.h"
#include "crawl/crawlfrontier.h"
#include "queue/jobadmin.h"
#include "queue/jobbatches.h"
#include "queue/jobqueue.h"
#include "server/inputvalidation.h"
#include "server/jsonbody.h"

#include <QHttpServerRequest>
#include <QJsonArray>

namespace aether {

namespace {

int boundedNumber(const QJsonObject &body, const QString &name, int fallback, int minimum,
                  int maximum)
{
    const QJsonValue value = body.value(name);
    if (value.isUndefined() || value.isNull())
        return fallback;
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number != double(qint64(number)) || number < minimum ||
        number > maximum)
        throw ApiError{422, QStringLiteral("field '%1' must be an integer from %2 to %3")
                                .arg(name)
                                .arg(minimum)
                                .arg(maximum)};
    return int(number);
}

QStringList globs(const QJsonObject &body, const QString &name)
{
    const QJsonValue value = body.value(name);
    if (value.isUndefined() || value.isNull())
        return {};
    const QJsonArray list = value.toArray();
    QStringList globs;
    if (value.isArray() && list.size() <= CrawlRoutes::kMaxGlobs) {
        for (const QJsonValue &glob : list) {
            if (!glob.isString() || glob.toString().isEmpty() ||
                glob.toString().size() > CrawlRoutes::kMaxGlobChars)
                break;
            globs.append(glob.toString());
        }
        if (globs.size() == list.size())
            return globs;
    }
    throw ApiError{422, QStringLiteral("field '%1' must be a list of at most %2 path globs "
                                       "(such as \"/docs/*\") of 1 to %3 characters")
                            .arg(name)
                            .arg(CrawlRoutes::kMaxGlobs)
                            .arg(CrawlRoutes::kMaxGlobChars)};
}

QString tenantScope(const AccessDecision &access)
{
    return access.anyTenant ? QString() : access.tenant;
}

} // namespace

CrawlRoutes::CrawlRoutes(JobQueue &queue, JobAdmin &admin, IngestLimits limits, int delayMs)
    : m_queue(queue), m_admin(admin), m_limits(limits), m_delayMs(delayMs)
{}

void CrawlRoutes::registerOn(Router &router)
{
    router.add("POST", QStringLiteral("/knowledge/crawl-async"), Role::Editor,
               [this](const RouteContext &context) { return start(context); });
    router.add("GET", QStringLiteral("/knowledge/crawls/{id}"), Role::Editor,
               [this](const RouteContext &context) { return status(context); });
    router.add("POST", QStringLiteral("/knowledge/crawls/{id}/cancel"), Role::Editor,
               [this](const RouteContext &context) { return cancel(context); });
}

ApiReply CrawlRoutes::start(const RouteContext &context)
{
    const JsonBody body(context.request);
    const QJsonObject &fields = body.object();
    CrawlRequest crawl;
    crawl.tenant = context.access.tenant;
    // No user:password@ here: every page of the site would carry it.
    crawl.startUrl = input::validUrl(
        body.requiredString(QStringLiteral("url"), input::kMaxUrlChars), m_limits.allowPrivateUrls);
    crawl.source = input::validSource(body.optionalString(
        QStringLiteral("source"), QStringLiteral("web"), input::kMaxSourceChars));
    crawl.maxPages = boundedNumber(fields, QStringLiteral("max_pages"), kDefaultMaxPages, 1,
                                   CrawlFrontier::kMaxPagesLimit);
    crawl.maxDepth =
        boundedNumber(fields, QStringLiteral("max_depth"), kDefaultMaxDepth, 0, kMaxDepth);
    crawl.include = globs(fields, QStringLiteral("include"));
    crawl.exclude = globs(fields, QStringLiteral("exclude"));
    const QJsonValue sameSite = fields.value(QStringLiteral("same_site"));
    if (!sameSite.isUndefined() && !sameSite.isBool())
        throw ApiError{422, QStringLiteral("field 'same_site' must be true or false")};
    crawl.sameSite = sameSite.toBool(true);
    crawl.metadata = readMetadata(fields.value(QStringLiteral("metadata")));
    crawl.delayMs = m_delayMs;
    const QByteArray id = CrawlFrontier::start(m_queue, crawl);
    return ApiReply::ok({{QStringLiteral("crawl_id"), QString::fromLatin1(id)},
                         {QStringLiteral("batch_id"), QString::fromLatin1(id)},
                         {QStringLiteral("queued"), true},
                         {QStringLiteral("url"), crawl.startUrl.toString()},
                         {QStringLiteral("max_pages"), crawl.maxPages},
                         {QStringLiteral("max_depth"), crawl.maxDepth}});
}

ApiReply CrawlRoutes::status(const RouteContext &context)
{
    const QByteArray id = context.parameters.first().toUtf8();
    const std::optional<JobFields> crawl =
        CrawlFrontier::state(m_queue, id, tenantScope(context.access));
    const std::optional<BatchState> batch =
        JobBatches(m_queue.connection()).fetch(id, tenantScope(context.access));
    if (!crawl || !batch)
        return ApiReply::error(404, QStringLiteral("Crawl not found"));
    QJsonObject pages;
    for (const char *status : {"queued", "scheduled", "started", "finished", "failed", "canceled"})
        pages.insert(QLatin1String(status), 0);
    for (const auto &[job, fields] : batch->members) {
        const QString status = QString::fromLatin1(fields.value("status"));
        pages.insert(status, pages.value(status).toInt() + 1);
    }
    const QByteArray state = crawl->value("state") == "canceled"     ? "canceled"
                             : batch->record.contains("finished_at") ? "finished"
                                                                     : "running";
    const auto count = [&crawl](const char *field) { return crawl->value(field).toInt(); };
    return ApiReply::ok(
        {{QStringLiteral("id"), QString::fromLatin1(id)},
         {QStringLiteral("batch_id"), QString::fromLatin1(id)},
         {QStringLiteral("state"), QString::fromLatin1(state)},
         {QStringLiteral("url"), QString::fromUtf8(crawl->value("start_url"))},
         {QStringLiteral("max_pages"), count("max_pages")},
         {QStringLiteral("max_depth"), count("max_depth")},
         {QStringLiteral("total"), int(batch->members.size())},
         {QStringLiteral("pages"), pages},
         {QStringLiteral("skipped"),
          QJsonObject{{QStringLiteral("robots"), count("skipped_robots")},
                      {QStringLiteral("off_site"), count("skipped_off_site")},
                      {QStringLiteral("excluded"), count("skipped_excluded")},
                      {QStringLiteral("over_budget"), count("skipped_over_budget")}}}});
}

ApiReply CrawlRoutes::cancel(const RouteContext &context)
{
    const QByteArray id = context.parameters.first().toUtf8();
    if (!CrawlFrontier::cancel(m_queue, id, tenantScope(context.access)))
        return ApiReply::error(404, QStringLiteral("Crawl not found"));
    int canceled = 0;
    for (const QByteArray &job : JobBatches(m_queue.connection()).memberIds(id)) {
        const JobAction action = m_admin.cancel(job, tenantScope(context.access));
        canceled += action.result == JobAction::Result::Done ? 1 : 0;
    }
    return ApiReply::ok({{QStringLiteral("id"), QString::fromLatin1(id)},
                         {QStringLiteral("state"), QStringLiteral("canceled")},
                         {QStringLiteral("canceled"), canceled}});
}

} // namespace aether
