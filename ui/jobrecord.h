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
    qint64 touchedMs = 0; // last time an event, listing or submission mentioned it

    bool isEnded() const;
    // What the job table offers for it: retry for ended jobs that did not
    // finish, cancel for jobs that have not ended, delete for any job not
    // running (a running one is canceled first).
    bool canRetry() const;
    bool canCancel() const;
    bool canDelete() const;
    // Applies a job event of rq:events:ingest; returns whether anything shown changed.
    bool applyEvent(const QJsonObject &event);
    // Applies a job object of GET /ops/jobs or GET /ops/jobs/{id}.
    bool applyJson(const QJsonObject &job);
};

// The states in the order the window shows them, and their badge colours.
const QStringList &jobStates();
QColor jobStateColor(const QString &status);
QString jobStateTitle(const QString &status);

// API and event timestamps: "YYYY-MM-DD HH:MM:SS[.zzz]" in UTC.
QDateTime parseJobTime(const QString &text);

} // namespace aether
