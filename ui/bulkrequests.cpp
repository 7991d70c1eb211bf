#include "ui/bulkrequests.h"

namespace aether {

BulkRequests::BulkRequests(QStringList ids, Send send, QObject *parent)
    : QObject(parent), m_ids(std::move(ids)), m_send(std::move(send))
{}

void BulkRequests::start()
{
    if (m_ids.isEmpty()) {
        Q_EMIT finished(0, 0, QString());
        return;
    }
    pump();
}

void BulkRequests::pump()
{
    while (m_inFlight < kMaxInFlight && m_next < m_ids.size()) {
        const QString id = m_ids.at(m_next++);
        ++m_inFlight;
        m_send(id, this, [this, id](const ApiAnswer &answer) {
            --m_inFlight;
            if (answer.ok()) {
                ++m_succeeded;
            } else {
                ++m_failed;
                if (m_firstError.isEmpty())
                    m_firstError = answer.error.isEmpty() ? tr("no answer") : answer.error;
            }
            Q_EMIT answered(id, answer.ok(), m_succeeded + m_failed, total());
            if (m_succeeded + m_failed == total())
                Q_EMIT finished(m_succeeded, m_failed, m_firstError);
            else
                pump();
        });
    }
}

} // namespace aether
