#pragma once

#include <QColor>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace aether {

// One row of the job table: what the window knows of a job, from the API's
// listing and details, the job events and what the window itself submitted.
struct JobRecord
{
    QString id;
    QString type; // text, url, file, reindex (empty until known)
    QString name; // file name, URL or the text's first words
    QString source;
    QString status;
    QString stage;
    int progress = 0;
    int chunks = -1; // -1: not known (yet)
    QDateTime enqueuedAt;
    QDateTime startedAt;
    QDateTime endedAt;
    qint64 ranMs = -1; // the API's duration_ms of an ended job; -1: not known
    QString error;
    QString worker;         // the worker that took it (a started job)
    QDateTime retryAt;      // a scheduled job's next attempt
    qint64 documentId = -1; // a finished job's stored document; -1: not known
    qint64 touchedMs = 0;   // last time an event, listing or submission mentioned it
    qint64 eventMs = 0;     // last time an event changed it
    // Started, but waiting in its worker's batch while the worker runs another
    // of its jobs (a worker takes up to 64 text jobs at once, all "started" in
    // the queue). Kept by JobTableModel, which knows each worker's running job.
    bool waiting = false;

    bool isEnded() const;
    // Past the take: its worker reported a step beyond "starting".
    bool hasBegun() const;
    // The state the window shows and counts: a started job waiting in its
    // worker's batch is shown queued, so "Started" never exceeds the workers.
    QString shownStatus() const;
    // What the job table offers for it: retry for ended jobs that did not
    // finish, cancel for jobs that have not ended, delete for any job not
    // running (a running one is canceled first).
    bool canRetry() const;
    bool canCancel() const;
    bool canDelete() const;
    // Applies a job event of rq:events:ingest; returns whether anything shown changed.
    bool applyEvent(const QJsonObject &event);
    // Applies a job object of GET /ops/jobs or GET /ops/jobs/{id}: all of it,
    // or only what names and describes the job (when an event since the
    // request says more about its state than the answer).
    enum class Part
    {
        All,
        Description
    };
    bool applyJson(const QJsonObject &job, Part part = Part::All);
};

// The states in the order the window shows them, and their badge colours.
const QStringList &jobStates();
QColor jobStateColor(const QString &status);
QString jobStateTitle(const QString &status);

// API and event timestamps: "YYYY-MM-DD HH:MM:SS[.zzz]" in UTC.
QDateTime parseJobTime(const QString &text);

} // namespace aether
