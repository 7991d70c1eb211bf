#include "httpclient.h"

#include <QBuffer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

namespace aether::test {

QJsonObject HttpResult::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QByteArray HttpResult::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

HttpResult HttpClient::get(const QString &path, const Headers &headers) const
{
    return send("GET", path, {}, headers);
}

HttpResult HttpClient::post(const QString &path, const QByteArray &body,
                            const Headers &headers) const
{
    return send("POST", path, body, headers);
}

HttpResult HttpClient::postJson(const QString &path, const QJsonObject &body,
                                const Headers &headers) const
{
    Headers all = headers;
    all.emplaceBack("Content-Type", "application/json");
    return send("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), all);
}

HttpResult HttpClient::send(const QByteArray &method, const QString &path, const QByteArray &body,
                            const Headers &headers) const
{
    QNetworkAccessManager manager;
    QNetworkRequest request(QUrl(m_baseUrl + path));
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QBuffer buffer;
    buffer.setData(body);
    buffer.open(QIODevice::ReadOnly);
    QNetworkReply *reply = manager.sendCustomRequest(request, method, &buffer);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    loop.exec();

    HttpResult result;
    if (!reply->isFinished()) {
        reply->abort();
        result.networkError = QStringLiteral("timed out");
    }
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    for (const auto &pair : reply->rawHeaderPairs())
        result.headers.append({pair.first, pair.second});
    if (reply->error() != QNetworkReply::NoError && result.status == 0)
        result.networkError = reply->errorString();
    delete reply;
    return result;
}

QByteArray HttpClient::multipart(const QByteArray &boundary, const QByteArray &fileName,
                                 const QByteArray &fileBytes,
                                 const QList<QPair<QByteArray, QByteArray>> &fields,
                                 const QByteArray &fileContentType)
{
    QByteArray body;
    for (const auto &[name, value] : fields) {
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
                "\"\r\n\r\n" + value + "\r\n";
    }
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
            fileName + "\"\r\nContent-Type: " + fileContentType + "\r\n\r\n" + fileBytes +
            "\r\n--" + boundary + "--\r\n";
    return body;
}

} // namespace aether::test
