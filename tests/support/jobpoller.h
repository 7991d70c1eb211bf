#pragma once

#include "httpclient.h"

#include <QElapsedTimer>
#include <QThread>

namespace aether::test {

inline const Headers kEditor{{"x-api-key", "test-key"}, {"x-role", "editor"}};
inline const Headers kAdmin{{"x-admin-key", "admin-secret-123"}};

// Polls GET /ops/jobs/{id} until the job ends (or the time is up); returns the
// last answer. Records every status seen, in order, without repeats.
inline QJsonObject waitForJob(const HttpClient &client, const QString &id,
                              QStringList *seen = nullptr, int timeoutMs = 30000)
{
    QElapsedTimer timer;
    timer.start();
    QJsonObject last;
    while (timer.elapsed() < timeoutMs) {
        last = client.get(QStringLiteral("/ops/jobs/") + id, kAdmin).json();
        const QString status = last.value(QStringLiteral("status")).toString();
        if (seen && (seen->isEmpty() || seen->last() != status))
            seen->append(status);
        if (status == QLatin1String("finished") || status == QLatin1String("failed"))
            return last;
        QThread::msleep(20);
    }
    return last;
}

} // namespace aether::test
