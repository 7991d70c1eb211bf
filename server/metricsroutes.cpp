#include "server/metricsroutes.h"

#include "queue/jobadmin.h"
#include "queue/redisconnection.h"
#include "server/httpmetrics.h"

#include <QDateTime>
#include <QFileInfo>

namespace aether {

namespace {

QByteArray escapeLabel(const QByteArray &value)
{
    QByteArray escaped = value;
    escaped.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return escaped;
}

// `labels`: {{"type", "text"}, ...}
QByteArray sample(const QByteArray &name, const QList<QPair<QByteArray, QByteArray>> &labels,
                  double value)
{
    QByteArray line = name;
    if (!labels.isEmpty()) {
        line += '{';
        for (qsizetype i = 0; i < labels.size(); ++i) {
            if (i > 0)
                line += ',';
            line += labels[i].first + "=\"" + escapeLabel(labels[i].second) + '"';
        }
        line += '}';
    }
    return line + ' ' + QByteArray::number(value, 'g', 15) + '\n';
}

void header(QByteArray &out, const QByteArray &name, const QByteArray &type, const QByteArray &help)
{
    out += "# HELP " + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
}

QByteArray bound(double seconds)
{
    return QByteArray::number(seconds, 'g', 15);
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

ApiReply MetricsRoutes::metrics(const RouteContext &)
{
    QByteArray out;
    header(out, "aether_build_info", "gauge", "Version of this aether-ingestd.");
    out += sample("aether_build_info", {{"version", AETHER_VERSION}}, 1);
    bool redisUp = true;
    try {
        appendQueue(out);
        m_jobEnds.update(m_redis);
    } catch (const RedisUnavailable &) {
        redisUp = false;
    }
    header(out, "aether_redis_up", "gauge", "Whether this scrape could read the queue in Redis.");
    out += sample("aether_redis_up", {}, redisUp ? 1 : 0);
    appendJobEnds(out);
    appendHttp(out);
    appendStore(out);
    return ApiReply::raw("text/plain; version=0.0.4; charset=utf-8", out);
}

void MetricsRoutes::appendQueue(QByteArray &out)
{
    const QueueState state = m_admin.state();
    QByteArray text;
    header(text, "aether_queue_paused", "gauge", "1 while the queue is paused.");
    text += sample("aether_queue_paused", {}, state.paused ? 1 : 0);
    header(text, "aether_queue_length", "gauge", "Jobs waiting in the queue, by priority.");
    text += sample("aether_queue_length", {{"priority", "high"}}, state.queuedHigh);
    text += sample("aether_queue_length", {{"priority", "default"}}, state.queuedDefault);
    text += sample("aether_queue_length", {{"priority", "low"}}, state.queuedLow);
    header(text, "aether_jobs", "gauge",
           "Jobs Redis holds, by state (ended jobs until RESULT_TTL or FAILURE_TTL).");
    const QList<QPair<QByteArray, qint64>> states{
        {"queued", state.queuedHigh + state.queuedDefault + state.queuedLow},
        {"scheduled", state.scheduled},
        {"started", state.started},
        {"finished", state.finished},
        {"failed", state.failed},
        {"canceled", state.canceled}};
    for (const auto &[name, count] : states)
        text += sample("aether_jobs", {{"state", name}}, count);
    header(text, "aether_workers", "gauge", "Live worker threads of every process on the queue.");
    text += sample("aether_workers", {}, state.workers.size());
    header(text, "aether_jobs_finished_last_minute", "gauge", "Jobs finished in the last 60 s.");
    text += sample("aether_jobs_finished_last_minute", {}, state.jobsPerMinute);
    header(text, "aether_jobs_stranded_requeued_total", "counter",
           "Jobs found queued but in no queue list, put back (every process's).");
    text += sample("aether_jobs_stranded_requeued_total", {}, state.strandedRequeued);
    header(text, "aether_jobs_adopted_total", "counter",
           "Jobs a Python RQ worker failed, taken in as Aether's failures (every process's).");
    text += sample("aether_jobs_adopted_total", {}, state.foreignAdopted);
    out += text; // only once every read succeeded
}

void MetricsRoutes::appendJobEnds(QByteArray &out) const
{
    header(out, "aether_jobs_ended_total", "counter",
           "Jobs that ended since this server started, by type and status.");
    for (auto it = m_jobEnds.ended().cbegin(); it != m_jobEnds.ended().cend(); ++it)
        out += sample("aether_jobs_ended_total",
                      {{"type", it.key().first}, {"status", it.key().second}}, it.value());
    const QByteArray name = "aether_job_duration_seconds";
    header(out, name, "histogram",
           "Run time of finished and failed jobs (started_at to ended_at of the last attempt), "
           "by type, since this server started.");
    for (auto it = m_jobEnds.durations().cbegin(); it != m_jobEnds.durations().cend(); ++it) {
        const JobEndTally::Durations &durations = it.value();
        for (qsizetype i = 0; i < JobEndTally::kBucketsSec.size(); ++i)
            out += sample(name + "_bucket",
                          {{"type", it.key()}, {"le", bound(JobEndTally::kBucketsSec[i])}},
                          durations.buckets[i]);
        out += sample(name + "_bucket", {{"type", it.key()}, {"le", "+Inf"}}, durations.count);
        out += sample(name + "_sum", {{"type", it.key()}}, durations.sumSec);
        out += sample(name + "_count", {{"type", it.key()}}, durations.count);
    }
}

void MetricsRoutes::appendHttp(QByteArray &out) const
{
    header(out, "aether_http_requests_total", "counter",
           "Answers of the REST server, by method, route pattern and status.");
    for (const HttpMetrics::Series &series : m_http.snapshot())
        out += sample("aether_http_requests_total",
                      {{"method", series.method},
                       {"route", series.route.toUtf8()},
                       {"code", QByteArray::number(series.status)}},
                      series.count);
}

void MetricsRoutes::appendStore(QByteArray &out) const
{
    header(out, "aether_store_size_bytes", "gauge",
           "Size of the SQLite store: the database file and its write-ahead log.");
    out +=
        sample("aether_store_size_bytes", {{"file", "database"}}, QFileInfo(m_databasePath).size());
    out += sample("aether_store_size_bytes", {{"file", "wal"}},
                  QFileInfo(m_databasePath + QStringLiteral("-wal")).size());
}

} // namespace aether
