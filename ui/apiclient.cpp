#include "ui/apiclient.h"

#include <QFile>
#include <QFileInfo>
#include <QHttpMultiPart>
#include <QJsonDocument>
#include <QNetworkReply>

namespace aether {

namespace {

// An id as one path segment, whatever it holds.
QString segment(const QString &id)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(id));
}

// How long a stream may stay silent: the server comments every 15 s.
constexpr int kEventStreamQuietMs = 45000;

} // namespace

ApiClient::ApiClient(ApiEndpoint endpoint, QObject *parent)
    : QObject(parent), m_endpoint(std::move(endpoint))
{
    m_network.setAutoDeleteReplies(true);
}

QNetworkRequest ApiClient::request(const QString &pathAndQuery) const
{
    QNetworkRequest request(
        QUrl(m_endpoint.baseUrl.toString(QUrl::StripTrailingSlash) + pathAndQuery));
    request.setRawHeader("x-api-key", m_endpoint.apiKey);
    if (!m_endpoint.adminKey.isEmpty() && pathAndQuery.startsWith(QLatin1String("/ops/")))
        request.setRawHeader("x-admin-key", m_endpoint.adminKey);
    if (!m_endpoint.windowToken.isEmpty())
        request.setRawHeader("x-aether-window", m_endpoint.windowToken);
    request.setTransferTimeout(60000);
    return request;
}

void ApiClient::deliver(QNetworkReply *reply, QObject *context, ApiCallback callback)
{
    QPointer<QObject> guard(context);
    connect(reply, &QNetworkReply::finished, this, [reply, guard, callback = std::move(callback)] {
        if (!guard)
            return;
        ApiAnswer answer;
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer.json = QJsonDocument::fromJson(reply->readAll()).object();
        if (!answer.ok()) {
            answer.error = answer.json.value(QStringLiteral("error")).toString();
            if (answer.error.isEmpty())
                answer.error = reply->errorString();
        }
        callback(answer);
    });
}

void ApiClient::get(const QString &pathAndQuery, QObject *context, ApiCallback callback)
{
    deliver(m_network.get(request(pathAndQuery)), context, std::move(callback));
}

void ApiClient::postJson(const QString &path, const QJsonObject &body, QObject *context,
                         ApiCallback callback)
{
    QNetworkRequest post = request(path);
    post.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    deliver(m_network.post(post, QJsonDocument(body).toJson(QJsonDocument::Compact)), context,
            std::move(callback));
}

void ApiClient::remove(const QString &path, QObject *context, ApiCallback callback)
{
    deliver(m_network.deleteResource(request(path)), context, std::move(callback));
}

void ApiClient::uploadFile(const QString &filePath, const QString &source, const QString &priority,
                           QObject *context, ApiCallback callback)
{
    auto *file = new QFile(filePath);
    if (!file->open(QIODevice::ReadOnly)) {
        ApiAnswer answer;
        answer.error = QStringLiteral("cannot read %1: %2").arg(filePath, file->errorString());
        delete file;
        callback(answer);
        return;
    }
    auto *multipart = new QHttpMultiPart(QHttpMultiPart::FormDataType);
    QHttpPart filePart;
    // Quotes and backslashes would end the header value early.
    QString fileName = QFileInfo(filePath).fileName();
    fileName.replace(QLatin1Char('"'), QLatin1Char('_'))
        .replace(QLatin1Char('\\'), QLatin1Char('_'));
    filePart.setHeader(QNetworkRequest::ContentDispositionHeader,
                       QString(QStringLiteral("form-data; name=\"file\"; filename=\"") + fileName +
                               QLatin1Char('"')));
    filePart.setHeader(QNetworkRequest::ContentTypeHeader,
                       QStringLiteral("application/octet-stream"));
    filePart.setBodyDevice(file);
    file->setParent(multipart);
    multipart->append(filePart);
    const auto addField = [multipart](const char *name, const QString &value) {
        if (value.isEmpty())
            return;
        QHttpPart part;
        part.setHeader(
            QNetworkRequest::ContentDispositionHeader,
            QString(QStringLiteral("form-data; name=\"") + QLatin1String(name) + QLatin1Char('"')));
        part.setBody(value.toUtf8());
        multipart->append(part);
    };
    addField("source", source);
    addField("priority", priority);
    QNetworkReply *reply =
        m_network.post(request(QStringLiteral("/knowledge/ingest-file-async")), multipart);
    multipart->setParent(reply);
    deliver(reply, context, std::move(callback));
}

void ApiClient::listJobs(int limit, const QString &before, QObject *context, ApiCallback callback)
{
    QString path = QStringLiteral("/ops/jobs?limit=%1").arg(limit);
    if (!before.isEmpty())
        path += QStringLiteral("&before=") + segment(before);
    get(path, context, std::move(callback));
}

void ApiClient::fetchJob(const QString &id, QObject *context, ApiCallback callback)
{
    get(QStringLiteral("/ops/jobs/") + segment(id), context, std::move(callback));
}

void ApiClient::actOnJob(const QString &id, JobAction action, QObject *context,
                         ApiCallback callback)
{
    const QString verb =
        action == JobAction::Retry ? QStringLiteral("retry") : QStringLiteral("cancel");
    postJson(QStringLiteral("/ops/jobs/%1/%2").arg(segment(id), verb), {}, context,
             std::move(callback));
}

void ApiClient::deleteJob(const QString &id, QObject *context, ApiCallback callback)
{
    remove(QStringLiteral("/ops/jobs/") + segment(id), context, std::move(callback));
}

void ApiClient::fetchQueue(QObject *context, ApiCallback callback)
{
    get(QStringLiteral("/ops/queue"), context, std::move(callback));
}

void ApiClient::setQueuePaused(bool paused, QObject *context, ApiCallback callback)
{
    postJson(paused ? QStringLiteral("/ops/queue/pause") : QStringLiteral("/ops/queue/resume"), {},
             context, std::move(callback));
}

void ApiClient::deleteEndedJobs(const QString &status, QObject *context, ApiCallback callback)
{
    remove(QStringLiteral("/ops/jobs?status=") + segment(status), context, std::move(callback));
}

QString ApiClient::ingestTextCommand() const
{
    // README.md documents the development key, accepted while no keys are
    // configured; any other key is the user's to fill in, not to show here.
    const QString key =
        m_endpoint.apiKey == "test-key" ? QStringLiteral("test-key") : QStringLiteral("<your key>");
    return QStringLiteral("curl -X POST %1/knowledge/ingest-text-async -H 'x-api-key: %2' "
                          "-H 'Content-Type: application/json' -d '{\"text\": \"Hello\"}'")
        .arg(m_endpoint.baseUrl.toString(QUrl::StripTrailingSlash), key);
}

void ApiClient::enqueueText(const QJsonObject &body, QObject *context, ApiCallback callback)
{
    postJson(QStringLiteral("/knowledge/ingest-text-async"), body, context, std::move(callback));
}

void ApiClient::enqueueUrl(const QJsonObject &body, QObject *context, ApiCallback callback)
{
    postJson(QStringLiteral("/knowledge/ingest-url-async"), body, context, std::move(callback));
}

void ApiClient::search(const QJsonObject &body, QObject *context, ApiCallback callback)
{
    postJson(QStringLiteral("/knowledge/search"), body, context, std::move(callback));
}

void ApiClient::deleteDocument(const QString &id, QObject *context, ApiCallback callback)
{
    remove(QStringLiteral("/knowledge/documents/") + segment(id), context, std::move(callback));
}

void ApiClient::reindex(QObject *context, ApiCallback callback)
{
    postJson(QStringLiteral("/ops/reindex"), QJsonObject(), context, std::move(callback));
}

void ApiClient::listDocuments(int limit, qint64 beforeId, const QString &query,
                              const QString &source, QObject *context, ApiCallback callback)
{
    QString path = QStringLiteral("/knowledge/documents?limit=%1").arg(limit);
    if (beforeId > 0)
        path += QStringLiteral("&before_id=%1").arg(beforeId);
    if (!query.isEmpty())
        path += QStringLiteral("&q=") + segment(query);
    if (!source.isEmpty())
        path += QStringLiteral("&source=") + segment(source);
    get(path, context, std::move(callback));
}

void ApiClient::fetchDocument(qint64 id, QObject *context, ApiCallback callback)
{
    get(QStringLiteral("/knowledge/documents/%1").arg(id), context, std::move(callback));
}

void ApiClient::fetchDocumentText(qint64 id, int maxCharacters, QObject *context,
                                  ApiCallback callback)
{
    get(QStringLiteral("/knowledge/documents/%1/text?max_characters=%2").arg(id).arg(maxCharacters),
        context, std::move(callback));
}

void ApiClient::listSources(QObject *context, ApiCallback callback)
{
    get(QStringLiteral("/knowledge/sources"), context, std::move(callback));
}

void ApiClient::listWatches(QObject *context, ApiCallback callback)
{
    get(QStringLiteral("/ops/watches"), context, std::move(callback));
}

void ApiClient::addWatch(const QJsonObject &body, QObject *context, ApiCallback callback)
{
    postJson(QStringLiteral("/ops/watches"), body, context, std::move(callback));
}

void ApiClient::removeWatch(const QString &id, QObject *context, ApiCallback callback)
{
    remove(QStringLiteral("/ops/watches/") + segment(id), context, std::move(callback));
}

void ApiClient::rescanWatch(const QString &id, QObject *context, ApiCallback callback)
{
    postJson(QStringLiteral("/ops/watches/") + segment(id) + QStringLiteral("/rescan"), {}, context,
             std::move(callback));
}

QNetworkReply *ApiClient::openEventStream(const QByteArray &lastEventId)
{
    QNetworkRequest stream = request(QStringLiteral("/ops/events"));
    stream.setRawHeader("Accept", "text/event-stream");
    if (!lastEventId.isEmpty())
        stream.setRawHeader("Last-Event-ID", lastEventId);
    stream.setTransferTimeout(kEventStreamQuietMs);
    return m_network.get(stream);
}

} // namespace aether
