#include "server/bulkroutes.h"

#include "access/accesspolicy.h"
#include "queue/jobbulk.h"
#include "queue/redisconnection.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>
#include <cmath>

namespace aether {

namespace {

constexpr int kMaxSourceChars = 256;

// A destructive route must not widen its filter silently: a misspelt name
// ("beforre"), an empty value ("tenant=") or a name given twice is an error,
// not an absent filter.
void addParameter(QJsonObject &parameters, const QString &name, const QString &value,
                  const QStringList &known)
{
    if (!known.contains(name))
        throw ApiError{422, QStringLiteral("unknown parameter '%1'; this route takes: %2")
                                .arg(name.left(64), known.join(QStringLiteral(", ")))};
    if (value.isEmpty())
        throw ApiError{422, QStringLiteral("parameter '%1' is empty").arg(name)};
    if (parameters.contains(name))
        throw ApiError{422, QStringLiteral("parameter '%1' is given twice").arg(name)};
    parameters.insert(name, value);
}

// The request's parameters (each one of `known`, once): the query's, and for
// a POST those of an optional JSON object body of strings and numbers.
QJsonObject parameters(const QHttpServerRequest &request, const QStringList &known)
{
    QJsonObject merged;
    for (const auto &[name, value] : request.query().queryItems(QUrl::FullyDecoded))
        addParameter(merged, name, value.trimmed(), known);
    if (request.body().trimmed().isEmpty())
        return merged;
    QJsonParseError error;
    const QJsonDocument body = QJsonDocument::fromJson(request.body(), &error);
    if (error.error != QJsonParseError::NoError || !body.isObject())
        throw ApiError{400, QStringLiteral("the body must be a JSON object (or empty)")};
    const QJsonObject object = body.object();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!it.value().isString() && !it.value().isDouble())
            throw ApiError{422, QStringLiteral("parameter '%1' must be a string or a number")
                                    .arg(it.key().left(64))};
        addParameter(merged, it.key(),
                     it.value().isDouble() ? QString::number(it.value().toDouble(), 'f')
                                           : it.value().toString().trimmed(),
                     known);
    }
    return merged;
}

QString text(const QJsonObject &parameters, const QString &name)
{
    return parameters.value(name).toString();
}

QByteArray oneOf(const QJsonObject &parameters, const QString &name,
                 const QList<QByteArray> &allowed, const QByteArray &fallback = {})
{
    const QByteArray value = text(parameters, name).toUtf8();
    if (value.isEmpty())
        return fallback;
    if (!allowed.contains(value))
        throw ApiError{422, QStringLiteral("parameter '%1' must be one of %2")
                                .arg(name, QString::fromLatin1(allowed.join(", ")))};
    return value;
}

// An ISO 8601 time (UTC unless it says otherwise) or seconds since the epoch.
std::optional<double> time(const QJsonObject &parameters, const QString &name)
{
    QString value = text(parameters, name);
    if (value.isEmpty())
        return std::nullopt;
    bool isNumber = false;
    const double seconds = value.toDouble(&isNumber);
    if (isNumber && (seconds < 0 || !std::isfinite(seconds)))
        throw ApiError{422, QStringLiteral("parameter '%1' must be a non-negative number of "
                                           "seconds since the epoch or an ISO 8601 time")
                                .arg(name)};
    if (isNumber)
        return seconds;
    value.replace(QLatin1Char(' '), QLatin1Char('T'));
    QDateTime at = QDateTime::fromString(value, Qt::ISODateWithMs);
    if (at.isValid() && at.timeSpec() == Qt::LocalTime)
        at.setTimeSpec(Qt::UTC);
    if (!at.isValid())
        throw ApiError{422, QStringLiteral("parameter '%1' must be an ISO 8601 time or seconds "
                                           "since the epoch")
                                .arg(name)};
    return at.toMSecsSinceEpoch() / 1000.0;
}

BulkFilter filter(const QJsonObject &parameters)
{
    BulkFilter parsed;
    parsed.type = oneOf(parameters, QStringLiteral("type"), JobAdmin::kTypes);
    parsed.tenant = text(parameters, QStringLiteral("tenant"));
    if (!parsed.tenant.isEmpty() && !isValidTenantName(parsed.tenant))
        throw ApiError{
            422,
            QStringLiteral("parameter 'tenant' must be 1-64 letters, digits, '.', '_' or '-'")};
    parsed.source = text(parameters, QStringLiteral("source"));
    if (parsed.source.size() > kMaxSourceChars)
        throw ApiError{422, QStringLiteral("parameter 'source' is too long")};
    return parsed;
}

// Empty when the caller may act on every tenant's jobs, else its tenant.
QString scope(const AccessDecision &access)
{
    return access.anyTenant ? QString() : access.tenant;
}

} // namespace

BulkRoutes::BulkRoutes(const RedisUrl &redis, int failureTtlSec)
{
    m_thread.runAndWait([this, redis, failureTtlSec] {
        m_redis = std::make_unique<RedisConnection>(redis);
        m_bulk = std::make_unique<JobBulk>(*m_redis, failureTtlSec);
    });
}

BulkRoutes::~BulkRoutes()
{
    m_thread.runAndWait([this] {
        m_bulk.reset();
        m_redis.reset();
    });
}

void BulkRoutes::registerOn(Router &router)
{
    router.add("POST", QStringLiteral("/ops/jobs/retry"), Role::Admin,
               [this](const RouteContext &context) { return retry(context); });
    router.add("DELETE", QStringLiteral("/ops/jobs"), Role::Admin,
               [this](const RouteContext &context) { return removeEnded(context); });
    router.add("POST", QStringLiteral("/ops/queue/empty"), Role::Admin,
               [this](const RouteContext &context) { return emptyQueue(context); });
}

ApiReply BulkRoutes::onBulkThread(const RouteContext &context,
                                  std::function<ApiReply(JobBulk &)> work)
{
    m_thread.run<ApiReply>(
        [this, work = std::move(work)] {
            try {
                return work(*m_bulk);
            } catch (const RedisUnavailable &error) {
                return ApiReply::queueUnavailable(error.message());
            }
        },
        context.answer);
    return ApiReply::deferred();
}

ApiReply BulkRoutes::retry(const RouteContext &context)
{
    const QJsonObject given = parameters(
        context.request, {QStringLiteral("status"), QStringLiteral("since"), QStringLiteral("type"),
                          QStringLiteral("tenant"), QStringLiteral("source")});
    BulkFilter wanted = filter(given);
    wanted.status =
        oneOf(given, QStringLiteral("status"), {"failed", "canceled"}, QByteArrayLiteral("failed"));
    wanted.endedFrom = time(given, QStringLiteral("since"));
    return onBulkThread(context, [wanted, scope = scope(context.access)](JobBulk &bulk) {
        const BulkRetryResult done = bulk.retry(wanted, scope);
        return ApiReply::ok(
            {{QStringLiteral("matched"), done.matched},
             {QStringLiteral("retried"), done.retried},
             {QStringLiteral("skipped"),
              QJsonObject{{QStringLiteral("blob_gone"), done.blobGone},
                          {QStringLiteral("credentials_gone"), done.credentialsGone},
                          {QStringLiteral("conflict"), done.conflict},
                          {QStringLiteral("missing"), done.missing}}}});
    });
}

ApiReply BulkRoutes::removeEnded(const RouteContext &context)
{
    QJsonObject given;
    for (const auto &[name, value] : context.request.query().queryItems(QUrl::FullyDecoded))
        addParameter(given, name, value.trimmed(),
                     {QStringLiteral("status"), QStringLiteral("before"), QStringLiteral("type"),
                      QStringLiteral("tenant"), QStringLiteral("source")});
    BulkFilter wanted = filter(given);
    wanted.status = oneOf(given, QStringLiteral("status"), {"finished", "failed", "canceled"});
    if (wanted.status.isEmpty())
        throw ApiError{422, QStringLiteral("parameter 'status' is required: finished, failed or "
                                           "canceled")};
    wanted.endedBefore = time(given, QStringLiteral("before"));
    if (!wanted.endedBefore)
        wanted.endedBefore = QDateTime::currentMSecsSinceEpoch() / 1000.0;
    return onBulkThread(context, [wanted, scope = scope(context.access)](JobBulk &bulk) {
        const BulkDeleteResult done = bulk.removeEnded(wanted, scope);
        return ApiReply::ok(
            {{QStringLiteral("matched"), done.matched}, {QStringLiteral("deleted"), done.deleted}});
    });
}

ApiReply BulkRoutes::emptyQueue(const RouteContext &context)
{
    const QByteArray priority = oneOf(parameters(context.request, {QStringLiteral("priority")}),
                                      QStringLiteral("priority"), {"high", "default", "low"});
    const QList<QByteArray> priorities =
        priority.isEmpty() ? QList<QByteArray>{"high", "default", "low"} : QList{priority};
    return onBulkThread(context, [priorities, scope = scope(context.access)](JobBulk &bulk) {
        return ApiReply::ok({{QStringLiteral("canceled"), bulk.emptyQueues(priorities, scope)}});
    });
}

} // namespace aether
