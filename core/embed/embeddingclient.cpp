#include "embed/embeddingclient.h"

#include "base/ingesterror.h"
#include "fetch/httpreason.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QThread>
#include <QTimer>

#include <memory>

namespace aether {

namespace {

Q_LOGGING_CATEGORY(lcEmbed, "aether.embed")

const QByteArray kUserAgent = "AetherIngest/0.1";

// How often a request or a wait looks at the job's token: an interrupted job
// lets go of the service within about this long.
constexpr int kCancelPollMs = 20;

// Longest error text quoted from a service that answered with something other
// than JSON (an HTML error page from a proxy, say).
constexpr int kQuotedBodyChars = 300;

IngestError embedError(const QString &message,
                       IngestError::Retry retry = IngestError::Retry::Permanent)
{
    return IngestError(QStringLiteral("EmbedError"), message, retry);
}

QString seconds(qint64 ms)
{
    return QString::number(ms / 1000.0) + QStringLiteral(" s");
}

// What one request/response exchange came to.
struct Exchange
{
    enum class Outcome
    {
        Answered, // any HTTP status
        ConnectionFailed,
        TimedOut
    };
    Outcome outcome = Outcome::Answered;
    int status = 0;
    QByteArray body;
    QByteArray retryAfter;
    QString networkError;
};

// Sends one POST on a local event loop, so that the calling (worker) thread
// blocks while Qt Network does the work.
class PostExchange
{
public:
    PostExchange(QNetworkAccessManager &manager, const QNetworkRequest &request,
                 const QByteArray &body, const CancelToken &cancel)
        : m_cancel(cancel)
    {
        m_reply.reset(manager.post(request, body));
    }

    Exchange run(int timeoutMs)
    {
        QEventLoop loop;
        QTimer timeout;
        QTimer cancelPoll; // the token is set from other threads and emits nothing
        timeout.setSingleShot(true);
        QObject::connect(&timeout, &QTimer::timeout, [this] { stop(Stop::TimedOut); });
        QObject::connect(&cancelPoll, &QTimer::timeout, [this] { pollCancel(); });
        QObject::connect(m_reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
        timeout.start(timeoutMs);
        cancelPoll.start(kCancelPollMs);
        if (!m_reply->isFinished())
            loop.exec();
        return result();
    }

private:
    enum class Stop
    {
        None,
        TimedOut,
        Interrupted
    };

    void stop(Stop reason)
    {
        if (m_stop != Stop::None)
            return;
        m_stop = reason;
        m_reply->abort();
    }

    // Keeps the reason at the moment the token fired.
    void pollCancel()
    {
        if (m_stop != Stop::None || !m_cancel.isInterrupted())
            return;
        try {
            m_cancel.check();
        } catch (const JobInterrupted &interrupted) {
            m_interruption = interrupted.reason();
            stop(Stop::Interrupted);
        }
    }

    Exchange result()
    {
        Exchange exchange;
        if (m_stop == Stop::Interrupted)
            throw JobInterrupted(m_interruption);
        if (m_stop == Stop::TimedOut) {
            exchange.outcome = Exchange::Outcome::TimedOut;
            return exchange;
        }
        exchange.status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (exchange.status == 0) {
            exchange.outcome = Exchange::Outcome::ConnectionFailed;
            exchange.networkError = m_reply->errorString();
            return exchange;
        }
        exchange.body = m_reply->readAll();
        exchange.retryAfter = m_reply->rawHeader("Retry-After").trimmed();
        return exchange;
    }

    const CancelToken &m_cancel;
    std::unique_ptr<QNetworkReply> m_reply;
    Stop m_stop = Stop::None;
    JobInterrupted::Reason m_interruption = JobInterrupted::Reason::Canceled;
};

bool isRetryable(const Exchange &exchange)
{
    return exchange.outcome == Exchange::Outcome::ConnectionFailed || exchange.status == 429 ||
           exchange.status >= 500;
}

// "503 Service Unavailable: model is loading", for messages.
QString describeStatus(const Exchange &exchange)
{
    QString text = QString::number(exchange.status) + u' ' +
                   QString::fromLatin1(httpReasonPhrase(exchange.status));
    const QString message = EmbeddingClient::serviceMessage(exchange.body);
    if (!message.isEmpty())
        text += QStringLiteral(": ") + message;
    return text;
}

QString describeFailure(const Exchange &exchange)
{
    if (exchange.outcome == Exchange::Outcome::ConnectionFailed)
        return QStringLiteral("connection failed (%1)").arg(exchange.networkError);
    return describeStatus(exchange);
}

// Sleeps in short steps so that an interrupted job does not wait out a backoff.
void waitInterruptibly(int ms, const CancelToken &cancel)
{
    QElapsedTimer clock;
    clock.start();
    for (qint64 left = ms; left > 0; left = ms - clock.elapsed()) {
        cancel.check();
        QThread::msleep(quint64(qMin<qint64>(left, kCancelPollMs)));
    }
    cancel.check();
}

} // namespace

EmbeddingClient::EmbeddingClient(const EmbedderConfig &config)
    : m_apiKey(config.apiKey.toUtf8()), m_timeoutMs(config.timeoutMs),
      m_maxAttempts(qMax(1, config.maxAttempts)),
      m_initialBackoffMs(qMax(0, config.initialBackoffMs)),
      m_maxBackoffMs(qMax(0, config.maxBackoffMs))
{}

QJsonObject EmbeddingClient::post(const QUrl &url, const QJsonObject &body,
                                  const CancelToken &cancel) const
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader, kUserAgent);
    request.setRawHeader("Accept", "application/json");
    if (!m_apiKey.isEmpty())
        request.setRawHeader("Authorization", QByteArray("Bearer " + m_apiKey));
    const QByteArray payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
    const QString where = url.toString(QUrl::RemoveUserInfo);

    // Created here so that it lives on the calling thread: an embedder may be
    // built on one thread and used on a worker's.
    QNetworkAccessManager manager;
    for (int attempt = 1;; ++attempt) {
        cancel.check();
        const Exchange exchange = PostExchange(manager, request, payload, cancel).run(m_timeoutMs);
        if (exchange.outcome == Exchange::Outcome::TimedOut) {
            throw embedError(QStringLiteral("embedding service at %1 did not answer within %2")
                                 .arg(where, seconds(m_timeoutMs)),
                             IngestError::Retry::Transient);
        }
        if (!isRetryable(exchange)) {
            if (exchange.status >= 300) {
                throw embedError(QStringLiteral("embedding service at %1 answered %2")
                                     .arg(where, describeStatus(exchange)));
            }
            QJsonParseError parseError;
            const QJsonDocument answer = QJsonDocument::fromJson(exchange.body, &parseError);
            if (!answer.isObject()) {
                throw embedError(
                    QStringLiteral("embedding service at %1 answered something that is not a "
                                   "JSON object: %2")
                        .arg(where, exchange.body.isEmpty()
                                        ? QStringLiteral("an empty body")
                                        : QString::fromUtf8(exchange.body.left(kQuotedBodyChars))));
            }
            return answer.object();
        }
        if (attempt >= m_maxAttempts) {
            throw embedError(QStringLiteral("embedding service at %1 still failing after %2 "
                                            "attempts: %3")
                                 .arg(where)
                                 .arg(attempt)
                                 .arg(describeFailure(exchange)),
                             IngestError::Retry::Transient);
        }
        const int delayMs = retryDelayMs(attempt, exchange.retryAfter);
        qCWarning(lcEmbed, "embedding service at %s: %s; attempt %d of %d in %s", qPrintable(where),
                  qPrintable(describeFailure(exchange)), attempt + 1, m_maxAttempts,
                  qPrintable(seconds(delayMs)));
        waitInterruptibly(delayMs, cancel);
    }
}

int EmbeddingClient::retryDelayMs(int attempt, const QByteArray &retryAfter) const
{
    // Retry-After may also be an HTTP date; only the seconds form is honoured,
    // a date falls back to the backoff.
    bool ok = false;
    const qint64 serviceSeconds = retryAfter.toLongLong(&ok);
    if (ok && serviceSeconds >= 0)
        return int(qMin<qint64>(serviceSeconds * 1000, m_maxBackoffMs));
    const qint64 backoff =
        qMin<qint64>(qint64(m_initialBackoffMs) << qMin(attempt - 1, 20), m_maxBackoffMs);
    // Half fixed, half random: workers that failed together do not retry together.
    const qint64 half = backoff / 2;
    return int(backoff - half + QRandomGenerator::global()->bounded(half + 1));
}

QString EmbeddingClient::serviceMessage(const QByteArray &body)
{
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (document.isObject()) {
        const QJsonObject object = document.object();
        const QJsonValue error = object.value(QLatin1String("error"));
        if (error.isString())
            return error.toString();
        if (error.isObject() && error.toObject().value(QLatin1String("message")).isString())
            return error.toObject().value(QLatin1String("message")).toString();
        for (const char *key : {"message", "detail"}) {
            if (object.value(QLatin1String(key)).isString())
                return object.value(QLatin1String(key)).toString();
        }
    }
    return QString::fromUtf8(body.left(kQuotedBodyChars)).simplified();
}

} // namespace aether
