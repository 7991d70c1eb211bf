#pragma once

#include "fetch/addressguard.h"
#include "queue/jobrequest.h"
#include "server/multipartparser.h"

#include <QList>
#include <QString>
#include <QUrl>

class QHttpServerRequest;

namespace aether {

// Checks shared by the enqueue endpoints (single and batch); failures throw
// ApiError with the API's statuses (400, 413, 415, 422).
namespace input {

constexpr int kMaxSourceChars = 200;
constexpr int kMaxTitleChars = 300; // a text's title (ingest-text)
constexpr int kMaxUrlChars = 8192;

// Whether a URL may carry user:password@ (URL_ALLOW_CREDENTIALS=1, URL jobs only).
enum class UrlCredentials
{
    Refused,
    Allowed
};

QString validSource(const QString &source);
// `text` unless it holds a control character (then a 422 naming `field`).
QString withoutControls(const QString &text, const QString &field);
// An absolute http(s) URL; a literal private address or one of this machine's
// own is refused unless allowed (names are resolved and checked when used), and
// so is userinfo unless `credentials` allows it. `field` names it in errors.
QUrl validUrl(const QString &text, const PrivateAccess &allowPrivate,
              const QString &field = QStringLiteral("url"),
              UrlCredentials credentials = UrlCredentials::Refused);
// Sets a URL job's `url` without its userinfo (what is stored, listed, logged
// and returned) and keeps the userinfo apart for the fetch only.
void setJobUrl(JobRequest &request, const QUrl &url);
QList<MultipartPart> multipartParts(const QHttpServerRequest &request,
                                    int maxParts = MultipartParser::kMaxParts);
const MultipartPart *findPart(const QList<MultipartPart> &parts, const QString &name);
// A non-empty upload within the limit, of a type some extractor reads
// (422, 413 or 415 otherwise). Returns its file name ("upload" when none).
QString checkedUpload(const MultipartPart &file, qint64 maxBytes);

} // namespace input

} // namespace aether
