#include "server/metricsroutes.h"

#include "queue/jobadmin.h"
#include "queue/redisconnection.h"
#include "server/httpmetrics.h"
#include "server/processmetrics.h"

#include <QDateTime>
#include <QFileInfo>
#include <QHttpServerRequest>

namespace aether {

namespace {

// The reason label of a refusal before routing, by its status: the statuses
// ConnectionWatch (framing, sizes, slow clients, MAX_INFLIGHT_MB) and the
// head gate of ApiServer (host, route, key, role) answer with.
QByteArray refusalReason(int status)
{
    switch (status) {
    case 400:
        return "bad_request";
    case 401:
        return "unauthorized";
    case 403:
        return "forbidden";
    case 404:
        return "not_found";
    case 405:
        return "method_not_allowed";
    case 408:
        return "request_timeout";
    case 411:
        return "length_required";
    case 413:
        return "payload_too_large";
    case 421:
        return "misdirected_request";
    case 429:
        return "too_many_requests";
    case 431:
        return "header_fields_too_large";
    case 501:
        return "not_implemented";
    case 503:
        return "service_unavailable";
    case 505:
        return "http_version_not_supported";
    default:
        return "other";
    }
}

} // namespace

MetricsRoutes::MetricsRoutes(JobAdmin &admin, RedisConnection &redis, QString databasePath,
                             HttpMetrics &http)
    : m_admin(admin), m_redis(redis), m_databasePath(std::move(databasePath)), m_http(http),
      m_jobEnds(QDateTime::currentMSecsSinceEpoch() / 1000.0)
{}

void MetricsRoutes::registerOn(Router &router)
{
    router.add(
        "GET", QStringLiteral("/metrics"), Role::Admin,
        [this](const RouteContext &context) { return metrics(context); },
        /*publicOnLoopback=*/true);
}

ApiReply MetricsRoutes::metrics(const RouteContext &context)
{
    MetricsText out(MetricsText::negotiate(context.request.value("accept")));
    out.family("aether_build_info", "info", "Version of this aether-ingestd.");
    out.sample("aether_build_info", {{"version", AETHER_VERSION}}, 1);
    bool redisUp = true;
    try {
        appendQueue(out);
        m_jobEnds.update(m_redis);
    } catch (const RedisUnavailable &) {
        redisUp = false;
    }
    out.family("aether_redis_up", "gauge", "Whether this scrape could read the queue in Redis.");
    out.sample("aether_redis_up", {}, redisUp ? 1 : 0);
    appendJobEnds(out);
    appendHttp(out);
    appendHttpDurations(out);
    appendRefusals(out);
    appendStore(out);
    appendProcess(out);
    const QByteArray contentType = out.contentType();
    return ApiReply::raw(contentType, out.finish());
}

void MetricsRoutes::appendQueue(MetricsText &out)
{
    const QueueState state = m_admin.state(); // throws before anything is written
    out.family("aether_queue_paused", "gauge", "1 while the queue is paused.");
    out.sample("aether_queue_paused", {}, state.paused ? 1 : 0);
    out.family("aether_queue_length", "gauge", "Jobs waiting in the queue, by priority.");
    out.sample("aether_queue_length", {{"priority", "high"}}, state.queuedHigh);
    out.sample("aether_queue_length", {{"priority", "default"}}, state.queuedDefault);
    out.sample("aether_queue_length", {{"priority", "low"}}, state.queuedLow);
    out.family("aether_jobs", "gauge",
               "Jobs Redis holds, by state (ended jobs until RESULT_TTL or FAILURE_TTL).");
    const QList<QPair<QByteArray, qint64>> states{
        {"queued", state.queuedHigh + state.queuedDefault + state.queuedLow},
        {"scheduled", state.scheduled},
        {"started", state.started},
        {"finished", state.finished},
        {"failed", state.failed},
        {"canceled", state.canceled}};
    for (const auto &[name, count] : states)
        out.sample("aether_jobs", {{"state", name}}, count);
    out.family("aether_workers", "gauge", "Live worker threads of every process on the queue.");
    out.sample("aether_workers", {}, state.workers.size());
    out.family("aether_jobs_finished_last_minute", "gauge", "Jobs finished in the last 60 s.");
    out.sample("aether_jobs_finished_last_minute", {}, state.jobsPerMinute);
    out.family("aether_jobs_stranded_requeued_total", "counter",
               "Jobs found queued but in no queue list, put back (every process's).");
    out.sample("aether_jobs_stranded_requeued_total", {}, state.strandedRequeued);
    out.family("aether_jobs_adopted_total", "counter",
               "Jobs a Python RQ worker failed, taken in as Aether's failures (every process's).");
    out.sample("aether_jobs_adopted_total", {}, state.foreignAdopted);
}

void MetricsRoutes::appendJobEnds(MetricsText &out) const
{
    out.family("aether_jobs_ended_total", "counter",
               "Jobs that ended since this server started, by type and status.");
    for (auto it = m_jobEnds.ended().cbegin(); it != m_jobEnds.ended().cend(); ++it)
        out.sample("aether_jobs_ended_total",
                   {{"type", it.key().first}, {"status", it.key().second}}, it.value());
    out.family("aether_job_duration_seconds", "histogram",
               "Run time of finished and failed jobs (started_at to ended_at of the last "
               "attempt), by type, since this server started.");
    for (auto it = m_jobEnds.durations().cbegin(); it != m_jobEnds.durations().cend(); ++it)
        out.histogram("aether_job_duration_seconds", {{"type", it.key()}}, JobEndTally::kBucketsSec,
                      it.value().buckets, it.value().count, it.value().sumSec);
}

void MetricsRoutes::appendHttp(MetricsText &out) const
{
    out.family("aether_http_requests_total", "counter",
               "Answers of the REST server, by method, route pattern and status.");
    for (const HttpMetrics::Series &series : m_http.snapshot())
        out.sample("aether_http_requests_total",
                   {{"method", series.method},
                    {"route", series.route.toUtf8()},
                    {"code", QByteArray::number(series.status)}},
                   series.count);
}

void MetricsRoutes::appendHttpDurations(MetricsText &out) const
{
    out.family("aether_http_request_duration_seconds", "histogram",
               "Time from a whole request handed to its route to its answer (an event stream: "
               "to its head), by method, route pattern and status class.");
    for (const HttpMetrics::Durations &series : m_http.durationsSnapshot())
        out.histogram("aether_http_request_duration_seconds",
                      {{"method", series.method},
                       {"route", series.route.toUtf8()},
                       {"code", series.statusClass}},
                      HttpMetrics::kBucketsSec, series.buckets, series.count, series.sumSec);
}

void MetricsRoutes::appendRefusals(MetricsText &out) const
{
    out.family("aether_http_refusals_total", "counter",
               "Requests refused before any route ran (framing, sizes, slow clients, bodies in "
               "flight, host, route, key), by reason and status.");
    const QMap<int, qint64> refusals = m_http.refusals();
    for (auto it = refusals.cbegin(); it != refusals.cend(); ++it)
        out.sample("aether_http_refusals_total",
                   {{"reason", refusalReason(it.key())}, {"code", QByteArray::number(it.key())}},
                   it.value());
}

void MetricsRoutes::appendStore(MetricsText &out) const
{
    out.family("aether_store_size_bytes", "gauge",
               "Size of the SQLite store: the database file and its write-ahead log.");
    out.sample("aether_store_size_bytes", {{"file", "database"}}, QFileInfo(m_databasePath).size());
    out.sample("aether_store_size_bytes", {{"file", "wal"}},
               QFileInfo(m_databasePath + QStringLiteral("-wal")).size());
}

void MetricsRoutes::appendProcess(MetricsText &out)
{
    const ProcessMetrics process = ProcessMetrics::read();
    const QList<std::tuple<QByteArray, QByteArray, QByteArray, double>> metrics{
        {"process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.",
         process.cpuSeconds},
        {"process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
         process.residentBytes},
        {"process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.",
         process.virtualBytes},
        {"process_start_time_seconds", "gauge",
         "Start time of the process since unix epoch in seconds.", process.startTimeSeconds},
        {"process_open_fds", "gauge", "Number of open file descriptors.", process.openFds},
        {"process_max_fds", "gauge", "Maximum number of open file descriptors.", process.maxFds}};
    for (const auto &[name, type, help, value] : metrics) {
        if (value < 0)
            continue; // not readable here (no /proc)
        out.family(name, type, help);
        out.sample(name, {}, value);
    }
}

} // namespace aether
