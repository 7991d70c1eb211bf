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

// The window's client of its own REST API. Every call returns at once; the
// callback runs later on the GUI thread, and not at all when `context` is gone.
class ApiClient : public QObject
{
    Q_OBJECT

public:
    explicit ApiClient(ApiEndpoint endpoint, QObject *parent = nullptr);

    void get(const QString &pathAndQuery, QObject *context, ApiCallback callback);
    void postJson(const QString &path, const QJsonObject &body, QObject *context,
                  ApiCallback callback);
    void remove(const QString &path, QObject *context, ApiCallback callback);
    // Multipart upload to /knowledge/ingest-file-async, streamed from the file.
    void uploadFile(const QString &filePath, const QString &source, const QString &priority,
                    QObject *context, ApiCallback callback);

    const ApiEndpoint &endpoint() const { return m_endpoint; }

private:
    QNetworkRequest request(const QString &pathAndQuery) const;
    void deliver(QNetworkReply *reply, QObject *context, ApiCallback callback);

    ApiEndpoint m_endpoint;
    QNetworkAccessManager m_network;
};

} // namespace aether
