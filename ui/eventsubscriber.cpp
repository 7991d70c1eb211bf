#include "ui/eventsubscriber.h"

#include "queue/rediskeys.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>
#include <hiredis/hiredis.h>
#include <poll.h>

namespace aether {

namespace {

constexpr int kPollMs = 100;    // how often the thread looks at the stop flag
constexpr int kBatchMs = 50;    // longest an event waits before it is handed on
constexpr int kMaxBatch = 5000; // a batch this big goes at once
constexpr int kMaxBackoffMs = 2000;

// A hiredis context in subscribed mode; freed on every exit path.
class Subscription
{
public:
    ~Subscription()
    {
        if (m_context)
            redisFree(m_context);
    }

    bool open(const RedisUrl &url)
    {
        const timeval timeout{2, 0};
        m_context =
            url.isUnixSocket()
                ? redisConnectUnixWithTimeout(url.socketPath.toLocal8Bit().constData(), timeout)
                : redisConnectWithTimeout(url.host.toLocal8Bit().constData(), url.port, timeout);
        if (!m_context || m_context->err)
            return false;
        if (!url.password.isEmpty()) {
            const QByteArray user = url.username.toUtf8();
            const QByteArray password = url.password.toUtf8();
            if (!commandOk(user.isEmpty() ? redisCommand(m_context, "AUTH %b", password.constData(),
                                                         size_t(password.size()))
                                          : redisCommand(m_context, "AUTH %b %b", user.constData(),
                                                         size_t(user.size()), password.constData(),
                                                         size_t(password.size()))))
                return false;
        }
        // Pub/sub channels ignore the database number, so no SELECT is needed.
        return commandOk(redisCommand(m_context, "SUBSCRIBE %s", keys::kEvents.constData()));
    }

    // Reads what has arrived within `waitMs`; false when the connection broke.
    bool read(int waitMs, QJsonArray *events)
    {
        if (!drain(events))
            return false;
        pollfd descriptor{m_context->fd, POLLIN, 0};
        const int ready = ::poll(&descriptor, 1, waitMs);
        if (ready < 0)
            return errno == EINTR;
        if (ready == 0)
            return true;
        if (redisBufferRead(m_context) != REDIS_OK)
            return false;
        return drain(events);
    }

private:
    static bool commandOk(void *raw)
    {
        auto *reply = static_cast<redisReply *>(raw);
        const bool ok = reply && reply->type != REDIS_REPLY_ERROR;
        if (reply)
            freeReplyObject(reply);
        return ok;
    }

    bool drain(QJsonArray *events)
    {
        for (;;) {
            void *raw = nullptr;
            if (redisGetReplyFromReader(m_context, &raw) != REDIS_OK)
                return false;
            if (!raw)
                return true;
            auto *reply = static_cast<redisReply *>(raw);
            // ["message", channel, payload]
            if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3 &&
                reply->element[2]->type == REDIS_REPLY_STRING) {
                const QJsonObject event =
                    QJsonDocument::fromJson(
                        QByteArray(reply->element[2]->str, qsizetype(reply->element[2]->len)))
                        .object();
                if (!event.isEmpty())
                    events->append(event);
            }
            freeReplyObject(reply);
        }
    }

    redisContext *m_context = nullptr;
};

} // namespace

EventSubscriber::EventSubscriber(RedisUrl url, QObject *parent)
    : QObject(parent), m_url(std::move(url))
{}

EventSubscriber::~EventSubscriber()
{
    stop();
}

void EventSubscriber::start()
{
    if (m_thread)
        return;
    m_stopping = false;
    m_thread = QThread::create([this] { listen(); });
    m_thread->setObjectName(QStringLiteral("events"));
    m_thread->start();
}

void EventSubscriber::stop()
{
    if (!m_thread)
        return;
    m_stopping = true;
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
}

// Runs on the subscriber's thread; signals emitted here are queued to the
// receivers' (GUI) thread.
void EventSubscriber::listen()
{
    int backoffMs = 100;
    bool connected = false;
    while (!m_stopping) {
        Subscription subscription;
        if (!subscription.open(m_url)) {
            if (connected)
                Q_EMIT connectionChanged(false);
            connected = false;
            for (int waited = 0; waited < backoffMs && !m_stopping; waited += kPollMs)
                QThread::msleep(kPollMs);
            backoffMs = qMin(backoffMs * 2, kMaxBackoffMs);
            continue;
        }
        backoffMs = 100;
        connected = true;
        Q_EMIT connectionChanged(true);
        QJsonArray batch;
        QElapsedTimer sinceFirst;
        bool alive = true;
        while (alive && !m_stopping) {
            const int wait =
                batch.isEmpty() ? kPollMs : qMax(0, kBatchMs - int(sinceFirst.elapsed()));
            const bool wasEmpty = batch.isEmpty();
            alive = subscription.read(wait, &batch);
            if (wasEmpty && !batch.isEmpty())
                sinceFirst.start();
            if (!batch.isEmpty() &&
                (sinceFirst.elapsed() >= kBatchMs || batch.size() >= kMaxBatch)) {
                Q_EMIT eventsArrived(batch);
                batch = QJsonArray();
            }
        }
        if (!batch.isEmpty())
            Q_EMIT eventsArrived(batch);
        if (!alive) {
            connected = false;
            Q_EMIT connectionChanged(false);
        }
    }
}

} // namespace aether
