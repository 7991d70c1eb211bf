#pragma once

#include "ui/serviceinfo.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <functional>

namespace aether {

// One answer of the REST API: the status (0 when there was no answer), the
// JSON body and, for errors, the API's or the network's message.
struct ApiAnswer
{
    int status = 0;
    QJsonObject json;
    QString error;

    bool ok() const { return status >= 200 && status < 300; }
};

using ApiCallback = std::function<void(const ApiAnswer &)>;

// The window's client of the REST API, and the only place in ui/ that knows
// its routes: the panels call what they mean (listJobs, retryJob, search...)
// and get the answer's JSON. Every call returns at once; the callback runs
// later on the GUI thread, and not at all when `context` is gone.
class ApiClient : public QObject
{
    Q_OBJECT

public:
    explicit ApiClient(ApiEndpoint endpoint, QObject *parent = nullptr);

    enum class JobAction
    {
        Retry,
        Cancel
    };

    // Jobs and the queue (GET /ops/jobs, /ops/jobs/{id}, /ops/queue, ...).
    // `before`: the previous page's next_cursor, empty for the first page.
    void listJobs(int limit, const QString &before, QObject *context, ApiCallback callback);
    void fetchJob(const QString &id, QObject *context, ApiCallback callback);
    void actOnJob(const QString &id, JobAction action, QObject *context, ApiCallback callback);
    void deleteJob(const QString &id, QObject *context, ApiCallback callback);
    void fetchQueue(QObject *context, ApiCallback callback);
    void setQueuePaused(bool paused, QObject *context, ApiCallback callback);
    // Every ended job of `status` (finished, failed or canceled): DELETE /ops/jobs?status=.
    void deleteEndedJobs(const QString &status, QObject *context, ApiCallback callback);
    // A shell command that queues a text through this API (curl, this
    // endpoint's address): what the empty job table teaches.
    QString ingestTextCommand() const;

    // Ingest (the asynchronous routes: answered with a job_id).
    void enqueueText(const QJsonObject &body, QObject *context, ApiCallback callback);
    void enqueueUrl(const QJsonObject &body, QObject *context, ApiCallback callback);
    // A multipart upload, streamed from the file.
    void uploadFile(const QString &filePath, const QString &source, const QString &priority,
                    QObject *context, ApiCallback callback);

    // Knowledge.
    void search(const QJsonObject &body, QObject *context, ApiCallback callback);
    void deleteDocument(const QString &id, QObject *context, ApiCallback callback);
    // Re-embed every stored chunk with the configured embedder (POST /ops/reindex).
    void reindex(QObject *context, ApiCallback callback);

    // A page of documents, newest first, with ids below `beforeId` (0: from the
    // newest), whose title, source, type, file name or URL contains `query`,
    // from `source` (empty: any): GET /knowledge/documents.
    void listDocuments(int limit, qint64 beforeId, const QString &query, const QString &source,
                       QObject *context, ApiCallback callback);
    void fetchDocument(qint64 id, QObject *context, ApiCallback callback);
    // At most `maxCharacters` of the stored text (GET /knowledge/documents/{id}/text).
    void fetchDocumentText(qint64 id, int maxCharacters, QObject *context, ApiCallback callback);
    void listSources(QObject *context, ApiCallback callback); // with their document counts

    // Watched folders.
    void listWatches(QObject *context, ApiCallback callback);
    void addWatch(const QJsonObject &body, QObject *context, ApiCallback callback);
    void removeWatch(const QString &id, QObject *context, ApiCallback callback);
    // "Rescan now": the watch scans its folder at once (202; the outcome shows
    // in the watch's state at the next listWatches).
    void rescanWatch(const QString &id, QObject *context, ApiCallback callback);

    // The job events as Server-Sent Events (GET /ops/events), from after
    // `lastEventId` when set. The reply streams until aborted or dropped; the
    // caller reads it (EventStream).
    QNetworkReply *openEventStream(const QByteArray &lastEventId);

    const ApiEndpoint &endpoint() const { return m_endpoint; }
    // Calls from now on go to this service; answers to earlier calls still arrive.
    void setEndpoint(ApiEndpoint endpoint) { m_endpoint = std::move(endpoint); }

private:
    QNetworkRequest request(const QString &pathAndQuery) const;
    void get(const QString &pathAndQuery, QObject *context, ApiCallback callback);
    void postJson(const QString &path, const QJsonObject &body, QObject *context,
                  ApiCallback callback);
    void remove(const QString &path, QObject *context, ApiCallback callback);
    void deliver(QNetworkReply *reply, QObject *context, ApiCallback callback);

    ApiEndpoint m_endpoint;
    QNetworkAccessManager m_network;
};

} // namespace aether
