#pragma once

#include "queue/jobqueue.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <optional>

namespace aether {

// A place in the job index's newest-first order (creation time desc, then id
// desc); a listing continues with the jobs after it. Without an id it means
// "created before createdMs": a job created in the same millisecond as the last
// one listed needs the id too, or it would be skipped.
struct JobCursor
{
    qint64 createdMs = 0;
    QByteArray id;

    QByteArray toText() const; // "<ms>" or "<ms>:<id>"
    static std::optional<JobCursor> fromText(const QByteArray &text);
};

struct JobListQuery
{
    QByteArray status; // empty: any
    QByteArray type;   // empty: any
    QString tenant;    // empty: any
    int limit = 50;
    std::optional<JobCursor> before;
};

struct JobListPage
{
    QList<QPair<QByteArray, JobFields>> jobs; // id and summary fields, newest first
    std::optional<JobCursor> next;            // nullopt: nothing more to list
};

// GET /ops/jobs: pages of jobs, newest first, over one thread's connection.
// A status filter reads that status's queues or registry (or, when most jobs
// have that status, walks the index); the candidates' hashes are read a page
// at a time, and a call stops after `limit` matches or kScanCap candidates,
// with a `next` cursor to go on from. Throws RedisUnavailable.
class JobListing
{
public:
    explicit JobListing(RedisConnection &redis);

    static constexpr int kMaxLimit = 500;
    static constexpr int kPageSize = 200; // hashes read per round trip
    static constexpr int kScanCap = 5000; // candidates read per call at most

    JobListPage list(const JobListQuery &query);

private:
    RedisConnection &m_redis;
};

} // namespace aether
