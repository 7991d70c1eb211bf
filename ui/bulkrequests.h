#pragma once

#include "ui/apiclient.h"

#include <QObject>
#include <QStringList>
#include <functional>

namespace aether {

// One action on many jobs or documents (retry, cancel, delete): a request per
// id, at most four in flight. QNetworkAccessManager runs six requests per host
// and the event stream holds one, so the status poll and the listing still get
// through while 500 deletes are under way. Reports each answer and, once, the
// outcome: how many succeeded, how many not and the first reason why.
class BulkRequests : public QObject
{
    Q_OBJECT

public:
    static constexpr int kMaxInFlight = 4;
    // Sends the request for one job; `done` gets its answer.
    using Send = std::function<void(const QString &id, QObject *context, ApiCallback done)>;

    BulkRequests(QStringList ids, Send send, QObject *parent = nullptr);

    void start();
    int total() const { return int(m_ids.size()); }

Q_SIGNALS:
    void answered(const QString &id, bool ok, int answeredSoFar, int total);
    // Once, after the last answer.
    void finished(int succeeded, int failed, const QString &firstError);

private:
    void pump();

    QStringList m_ids;
    Send m_send;
    qsizetype m_next = 0;
    int m_inFlight = 0;
    int m_succeeded = 0;
    int m_failed = 0;
    QString m_firstError;
};

} // namespace aether
