#include "ui/apiclient.h"

#include <QFile>
#include <QFileInfo>
#include <QHttpMultiPart>
#include <QJsonDocument>
#include <QNetworkReply>

namespace aether {

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

} // namespace aether
