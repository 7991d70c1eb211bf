#pragma once

#include "ui/serviceinfo.h"

#include <QObject>
#include <functional>

class QLabel;
class QPushButton;
class QStatusBar;
class QTimer;

namespace aether {

class ApiClient;
struct ApiAnswer;

// The status bar's permanent parts: the API address (click to copy), Redis
// (embedded or URL, connected or not), workers busy/total and the queue
// length, from the queue status polled every two seconds (the API answers it
// with 503 while it cannot reach Redis).
class StatusPanel : public QObject
{
    Q_OBJECT

public:
    StatusPanel(ApiClient *api, const ServiceInfo &service, QStatusBar *bar);

    void setService(const ServiceInfo &service); // and polls it again after pause()
    void pause();
    void poll();
    bool queuePaused() const { return m_queuePaused; }
    QString workersText() const;
    QString queueText() const;
    QPushButton *reindexButton() const { return m_reindex; }
    // The re-index job asked for here, while it runs ("" otherwise).
    const QString &reindexJob() const { return m_reindexJob; }
    void reindexEnded(const QString &jobId, bool finished, const QString &error);
    // Asked before re-indexing; the default shows a question box.
    using Confirm = std::function<bool(const QString &question)>;
    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }

Q_SIGNALS:
    void queuePausedChanged(bool paused);
    void resumeRequested(); // the status bar's Resume
    void message(const QString &text);

private:
    void showQueue(const QJsonObject &queue);
    void showProblem(const ApiAnswer &answer);
    void showAddress();
    void showRedis();
    void showStoreMismatch();
    void reindex();

    ApiClient *m_api;
    ServiceInfo m_service;
    QStatusBar *m_bar;
    QPushButton *m_address;
    QLabel *m_redis;
    QLabel *m_workers;
    QLabel *m_queue;
    QPushButton *m_resume;
    QPushButton *m_reindex; // shown while the store needs re-embedding
    QString m_reindexJob;
    Confirm m_confirm;
    bool m_queuePaused = false;
    bool m_redisConnected = false;
    bool m_polling = false;
    bool m_paused = false;
    QTimer *m_pollTimer = nullptr;
};

} // namespace aether
