#pragma once

#include "base/cancellation.h"
#include "fetch/addressguard.h"

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace aether {

struct UrlFetchOptions
{
    int connectTimeoutMs = 10000; // no first byte within this: fail
    int totalTimeoutMs = 60000;   // whole transfer
    int maxRedirects = 5;
    qint64 maxBytes = 50LL * 1024 * 1024; // body size cap
    PrivateAccess allowPrivate;           // URL_ALLOW_PRIVATE, URL_ALLOW_HOSTS
};

struct FetchedPage
{
    QUrl finalUrl; // after redirects
    int httpStatus = 0;
    QString contentType; // the Content-Type header, e.g. "text/html; charset=utf-8"
    QByteArray body;
    // The validators of what was fetched (ETag, Last-Modified), for a later
    // conditional fetch; notModified: the server answered 304 to one.
    QByteArray etag;
    QByteArray lastModified;
    bool notModified = false;
};

// What a conditional fetch sends: If-None-Match and If-Modified-Since
// (RFC 9110 13.1), each only when known.
struct FetchValidators
{
    QByteArray etag;
    QByteArray lastModified;
};

// Fetches one http(s) URL with Qt Network, blocking the calling thread (it runs
// its own event loop, so it works on worker threads). Redirects are followed by
// hand so that every hop passes the AddressGuard. Throws IngestError:
//   "HTTPError: 404 Not Found" for HTTP error statuses (>= 400),
//   "URLError: ..." for bad schemes, refused addresses, too many redirects,
//   "TimeoutError: ...", "ConnectionError: ...", "TooLarge: ...".
// Throws JobInterrupted (not an IngestError) when `cancel` fires: the transfer
// is aborted within a few tens of milliseconds.
class UrlFetcher
{
public:
    explicit UrlFetcher(UrlFetchOptions options = {});
    FetchedPage fetch(const QUrl &url, const CancelToken &cancel = CancelToken::never(),
                      const FetchValidators &validators = {}) const;

private:
    UrlFetchOptions m_options;
};

} // namespace aether
