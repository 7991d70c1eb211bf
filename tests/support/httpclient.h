#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

namespace aether::test {

struct HttpResult
{
    int status = 0; // 0: no answer (connection failed)
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    QString networkError;

    QJsonObject json() const;
    QByteArray header(const QByteArray &name) const;
};

using Headers = QList<QPair<QByteArray, QByteArray>>;

// A blocking HTTP client over QNetworkAccessManager, for tests.
class HttpClient
{
public:
    explicit HttpClient(QString baseUrl) : m_baseUrl(std::move(baseUrl)) {}

    HttpResult get(const QString &path, const Headers &headers = {}) const;
    HttpResult post(const QString &path, const QByteArray &body, const Headers &headers = {}) const;
    HttpResult postJson(const QString &path, const QJsonObject &body,
                        const Headers &headers = {}) const;
    HttpResult send(const QByteArray &method, const QString &path, const QByteArray &body,
                    const Headers &headers) const;

    // A multipart/form-data body with one file part and optional text fields.
    static QByteArray multipart(const QByteArray &boundary, const QByteArray &fileName,
                                const QByteArray &fileBytes,
                                const QList<QPair<QByteArray, QByteArray>> &fields = {},
                                const QByteArray &fileContentType = "application/octet-stream");

    const QString &baseUrl() const { return m_baseUrl; }

private:
    QString m_baseUrl;
};

} // namespace aether::test
