#include "fetch/urlfetcher.h"

#include "base/ingesterror.h"
#include "fetch/addressguard.h"
#include "fetch/bodydecoder.h"
#include "fetch/httpreason.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <memory>

// Known limit (DNS rebinding): AddressGuard resolves the host, then Qt Network
// resolves it again when it connects. A name server that answers with a public
// address first and a private one second gets through. Closing this window
// needs the connection pinned to the checked address (connect to the IP and send
// the Host header / TLS SNI by hand); see the URL-fetch hardening issue.

namespace aether {

namespace {

// Sites serve browsers their real pages and scripts something else (or
// nothing): a browser-like agent that still names Aether Ingest honestly.
const QByteArray kUserAgent = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 "
                              "AetherIngest/" AETHER_VERSION " (local knowledge ingestion)";
const QByteArray kAccept = "text/html,application/xhtml+xml,application/pdf,text/plain;q=0.9,"
                           "application/vnd.openxmlformats-officedocument.*;q=0.9,"
                           "application/vnd.oasis.opendocument.*;q=0.9,*/*;q=0.8";
// Named here, so Qt Network leaves the bodies encoded and BodyDecoder decodes
// them as they stream, counting decoded bytes against the cap.
const QByteArray kAcceptEncoding = "gzip, deflate";

// What Qt Network may hold of a response before this thread reads it. Without
// a bound its HTTP thread reads the socket as fast as the peer sends and queues
// every piece to this thread, so an endless body piled up hundreds of MB
// before the cap below was even checked. (Qt's own decoding of gzip ignores
// this bound, hence BodyDecoder.)
constexpr qint64 kReadBufferBytes = 256 * 1024;

// How often a transfer looks at its job's token: an interrupted job lets go of
// the connection within about this long.
constexpr int kCancelPollMs = 20;

enum class Outcome
{
    Finished,
    ConnectTimeout,
    TotalTimeout,
    TooLarge,
    CorruptEncoding,
    Interrupted
};

struct HopResult
{
    int status = 0;
    QUrl location; // set for redirects
    QString contentType;
    QByteArray body;
    QByteArray etag;
    QByteArray lastModified;
};

// A URL as messages show it: never with its user:password@.
QString shown(const QUrl &url)
{
    return url.toString(QUrl::RemoveUserInfo);
}

QString seconds(int ms)
{
    return QString::number(ms / 1000.0) + QStringLiteral(" s");
}

QString megabytes(qint64 bytes)
{
    return QString::number(bytes / (1024.0 * 1024.0), 'g', 4) + QStringLiteral(" MB");
}

IngestError httpError(int status, const QString &reasonPhrase)
{
    const QString reason = reasonPhrase.trimmed().isEmpty()
                               ? QString::fromLatin1(httpReasonPhrase(status))
                               : reasonPhrase.trimmed();
    const bool transient = status >= 500 || status == 429;
    return IngestError(QStringLiteral("HTTPError"), QString::number(status) + u' ' + reason,
                       transient ? IngestError::Retry::Transient : IngestError::Retry::Permanent);
}

IngestError urlError(const QString &message)
{
    return IngestError(QStringLiteral("URLError"), message);
}

void checkUrl(const QUrl &url, const PrivateAccess &allowPrivate, const CancelToken &cancel)
{
    if (!url.isValid())
        throw urlError(QStringLiteral("invalid URL %1").arg(shown(url)));
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https")) {
        throw urlError(QStringLiteral("unsupported scheme \"%1\" in %2 (only http and https)")
                           .arg(scheme, shown(url)));
    }
    if (url.host().isEmpty())
        throw urlError(QStringLiteral("URL has no host: %1").arg(shown(url)));
    cancel.check(); // resolving the host blocks and cannot be interrupted
    AddressGuard::checkHost(url.host(), allowPrivate);
}

// One request/response exchange, run on a local event loop so that the calling
// (worker) thread blocks while Qt Network does the work.
class Hop
{
public:
    Hop(QNetworkAccessManager &manager, const QUrl &url, const UrlFetchOptions &options,
        int remainingMs, const CancelToken &cancel, const FetchValidators &validators)
        : m_url(url), m_options(options), m_remainingMs(remainingMs), m_cancel(cancel)
    {
        QNetworkRequest request(url);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                             QNetworkRequest::ManualRedirectPolicy);
        request.setHeader(QNetworkRequest::UserAgentHeader, kUserAgent);
        request.setRawHeader("Accept", kAccept);
        request.setRawHeader("Accept-Encoding", kAcceptEncoding);
        if (!validators.etag.isEmpty())
            request.setRawHeader("If-None-Match", validators.etag);
        if (!validators.lastModified.isEmpty())
            request.setRawHeader("If-Modified-Since", validators.lastModified);
        m_reply.reset(manager.get(request));
        // Set before the event loop runs, so it holds from the first byte.
        m_reply->setReadBufferSize(kReadBufferBytes);
    }

    HopResult run()
    {
        QEventLoop loop;
        QTimer connectTimer;
        QTimer totalTimer;
        QTimer cancelPoll; // the token is set from other threads and emits nothing
        connectTimer.setSingleShot(true);
        totalTimer.setSingleShot(true);
        QObject::connect(&connectTimer, &QTimer::timeout,
                         [this] { stop(Outcome::ConnectTimeout); });
        QObject::connect(&totalTimer, &QTimer::timeout, [this] { stop(Outcome::TotalTimeout); });
        QObject::connect(&cancelPoll, &QTimer::timeout, [this] { pollCancel(); });
        // The timers are the receivers so that nothing outlives this call's locals.
        QObject::connect(m_reply.get(), &QNetworkReply::metaDataChanged, &connectTimer,
                         [this, &connectTimer] {
                             connectTimer.stop();
                             checkDeclaredLength();
                         });
        QObject::connect(m_reply.get(), &QNetworkReply::readyRead, &connectTimer,
                         [this, &connectTimer] {
                             connectTimer.stop();
                             readBody();
                         });
        QObject::connect(m_reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
        connectTimer.start(m_options.connectTimeoutMs);
        totalTimer.start(m_remainingMs);
        cancelPoll.start(kCancelPollMs);
        if (!m_reply->isFinished())
            loop.exec();
        return result();
    }

private:
    void stop(Outcome outcome)
    {
        if (m_outcome != Outcome::Finished)
            return;
        m_outcome = outcome;
        m_reply->abort();
    }

    // Keeps the reason at the moment the token fired, so the job reports what
    // stopped it even if the token changes afterwards.
    void pollCancel()
    {
        if (m_outcome != Outcome::Finished || !m_cancel.isInterrupted())
            return;
        try {
            m_cancel.check();
        } catch (const JobInterrupted &interrupted) {
            m_interruption = interrupted.reason();
            stop(Outcome::Interrupted);
        }
    }

    // Refuses an announced oversized body before any of it is read.
    void checkDeclaredLength()
    {
        const QVariant length = m_reply->header(QNetworkRequest::ContentLengthHeader);
        if (length.isValid() && length.toLongLong() > m_options.maxBytes)
            stop(Outcome::TooLarge);
    }

    // Counts what actually arrives, decoded: the length may be missing, wrong
    // or compressed, so a small compressed bomb is refused too. The body never
    // grows more than one byte past the cap.
    void readBody()
    {
        if (m_outcome != Outcome::Finished || m_bodyEnded)
            return;
        if (!m_decoder) {
            m_decoder = std::make_unique<BodyDecoder>(m_reply->rawHeader("Content-Encoding"));
            // One allocation up to the cap: pages are only touched as bytes
            // arrive, and a growing buffer's copies (old and new alive at once,
            // then holes in the allocator's heaps) doubled the peak of
            // parallel large fetches.
            m_body.reserve(m_options.maxBytes + 1);
        }
        while (m_reply->bytesAvailable() > 0) {
            switch (m_decoder->feed(m_reply->read(kReadBufferBytes), m_body, m_options.maxBytes)) {
            case BodyDecoder::Result::Ok:
                if (m_decoder->ended()) {
                    // What follows the stream is ignored: reading it until the
                    // total timeout would only turn a good page into a timeout.
                    m_bodyEnded = true;
                    m_reply->abort();
                    return;
                }
                break;
            case BodyDecoder::Result::OverLimit:
                return stop(Outcome::TooLarge);
            case BodyDecoder::Result::Corrupt:
                return stop(Outcome::CorruptEncoding);
            }
        }
    }

    HopResult result()
    {
        throwIfStopped();
        readBody();
        throwIfStopped();
        HopResult hop;
        hop.status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (hop.status >= 400) {
            throw httpError(
                hop.status,
                m_reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString());
        }
        if ((m_reply->error() != QNetworkReply::NoError && !m_bodyEnded) || hop.status == 0) {
            throw IngestError(QStringLiteral("ConnectionError"),
                              withoutUserInfo(m_reply->errorString()),
                              IngestError::Retry::Transient);
        }
        hop.etag = m_reply->rawHeader("ETag").trimmed();
        hop.lastModified = m_reply->rawHeader("Last-Modified").trimmed();
        if (hop.status == 304) // Not Modified: no body, the caller keeps what it has
            return hop;
        if (hop.status >= 300 && hop.status < 400) {
            hop.location = redirectTarget(hop.status);
            return hop;
        }
        hop.contentType = QString::fromLatin1(m_reply->rawHeader("Content-Type"));
        m_body.squeeze(); // gives back the reserved room beyond the body
        hop.body = std::move(m_body);
        return hop;
    }

    // Qt's messages may quote the URL as it was requested.
    QString withoutUserInfo(QString message) const
    {
        for (const QString &userInfo : {m_url.userInfo(QUrl::FullyEncoded), m_url.userInfo()}) {
            if (!userInfo.isEmpty())
                message.replace(userInfo + u'@', QString());
        }
        return message;
    }

    void throwIfStopped() const
    {
        switch (m_outcome) {
        case Outcome::Finished:
            return;
        case Outcome::ConnectTimeout:
            throw IngestError(QStringLiteral("TimeoutError"),
                              QStringLiteral("no response from %1 within %2")
                                  .arg(m_url.host(), seconds(m_options.connectTimeoutMs)),
                              IngestError::Retry::Transient);
        case Outcome::TotalTimeout:
            throw IngestError(QStringLiteral("TimeoutError"),
                              QStringLiteral("fetching %1 exceeded %2")
                                  .arg(shown(m_url), seconds(m_options.totalTimeoutMs)),
                              IngestError::Retry::Transient);
        case Outcome::TooLarge:
            throw IngestError(
                QStringLiteral("TooLarge"),
                QStringLiteral("response larger than %1").arg(megabytes(m_options.maxBytes)));
        case Outcome::CorruptEncoding:
            throw IngestError(QStringLiteral("ConnectionError"),
                              QStringLiteral("the response from %1 is not valid %2 data")
                                  .arg(m_url.host(), QString::fromLatin1(
                                                         m_reply->rawHeader("Content-Encoding"))));
        case Outcome::Interrupted:
            throw JobInterrupted(m_interruption);
        }
    }

    QUrl redirectTarget(int status) const
    {
        const QByteArray location = m_reply->rawHeader("Location").trimmed();
        if (location.isEmpty()) {
            throw urlError(QStringLiteral("redirect %1 from %2 has no Location header")
                               .arg(QString::number(status), shown(m_url)));
        }
        // Location may be relative (RFC 9110); resolve it against this hop's URL.
        return m_url.resolved(QUrl::fromEncoded(location));
    }

    QUrl m_url;
    const UrlFetchOptions &m_options;
    int m_remainingMs;
    const CancelToken &m_cancel;
    std::unique_ptr<QNetworkReply> m_reply;
    Outcome m_outcome = Outcome::Finished;
    JobInterrupted::Reason m_interruption = JobInterrupted::Reason::Canceled;
    std::unique_ptr<BodyDecoder> m_decoder; // made once the headers are known
    bool m_bodyEnded = false;               // the compressed stream ended; the reply was aborted
    QByteArray m_body;
};

} // namespace

UrlFetcher::UrlFetcher(UrlFetchOptions options) : m_options(std::move(options)) {}

FetchedPage UrlFetcher::fetch(const QUrl &url, const CancelToken &cancel,
                              const FetchValidators &validators) const
{
    // Created here so that it lives on the calling thread; a worker's thread
    // has no other manager to share.
    QNetworkAccessManager manager;
    QElapsedTimer clock;
    clock.start();
    QUrl current = url;
    for (int redirects = 0;; ++redirects) {
        checkUrl(current, m_options.allowPrivate, cancel);
        const qint64 remainingMs = m_options.totalTimeoutMs - clock.elapsed();
        if (remainingMs <= 0) {
            throw IngestError(QStringLiteral("TimeoutError"),
                              QStringLiteral("fetching %1 exceeded %2")
                                  .arg(shown(current), seconds(m_options.totalTimeoutMs)),
                              IngestError::Retry::Transient);
        }
        cancel.check(); // before each request, the first and every redirect hop
        // The validators name the page at the URL first asked for; a
        // redirect's target is another resource, fetched unconditionally.
        const FetchValidators conditional = redirects == 0 ? validators : FetchValidators{};
        HopResult hop =
            Hop(manager, current, m_options, int(remainingMs), cancel, conditional).run();
        if (hop.location.isEmpty())
            return FetchedPage{current,  hop.status,       hop.contentType,  std::move(hop.body),
                               hop.etag, hop.lastModified, hop.status == 304};
        if (redirects >= m_options.maxRedirects) {
            throw urlError(
                QStringLiteral("too many redirects (more than %1)").arg(m_options.maxRedirects));
        }
        current = hop.location;
    }
}

} // namespace aether
