#include "multipartparser.h"

#include <QByteArrayView>

namespace aether {

namespace {

constexpr QByteArrayView kCrlf("\r\n");
constexpr QByteArrayView kHeaderEnd("\r\n\r\n");
constexpr QByteArrayView kCloseMarker("--");
constexpr QByteArrayView kDelimiterPrefix("\r\n--"); // RFC 2046: delimiter = CRLF "--" boundary
constexpr qsizetype kMaxBoundaryLength = 70;         // RFC 2046, section 5.1.1
constexpr qsizetype kBoundaryBytesInNeedle = 4;      // see findDelimiter()

const QString kTruncatedError = QStringLiteral("multipart body is truncated (no closing boundary)");

bool equalsNoCase(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && a.compare(b, Qt::CaseInsensitive) == 0;
}

// Inside a quoted string only \" and \\ are treated as escapes: legacy clients
// (old IE) send raw Windows paths like "C:\Users\a.pdf" unescaped, and reading
// "\U" as an escape would glue the path components together.
bool isQuotedPair(QByteArrayView text, qsizetype i)
{
    return text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\');
}

// Splits a header value at ';' but not at a ';' inside a quoted string, so
// filename="a;b.txt" stays one parameter.
QList<QByteArrayView> splitParameters(QByteArrayView value)
{
    QList<QByteArrayView> segments;
    bool inQuotes = false;
    qsizetype start = 0;
    for (qsizetype i = 0; i < value.size(); ++i) {
        if (inQuotes && isQuotedPair(value, i)) {
            ++i;
        } else if (value[i] == '"') {
            inQuotes = !inQuotes;
        } else if (value[i] == ';' && !inQuotes) {
            segments.append(value.sliced(start, i - start));
            start = i + 1;
        }
    }
    segments.append(value.sliced(start));
    return segments;
}

// The value of a parameter: a quoted string (escapes removed) or a token.
// std::nullopt for an unterminated quoted string.
std::optional<QByteArray> parameterValue(QByteArrayView raw)
{
    raw = raw.trimmed();
    if (!raw.startsWith('"'))
        return raw.toByteArray();
    QByteArray value;
    for (qsizetype i = 1; i < raw.size(); ++i) {
        if (isQuotedPair(raw, i))
            ++i;
        else if (raw[i] == '"')
            return value;
        value.append(raw[i]);
    }
    return std::nullopt;
}

struct Parameter
{
    QByteArrayView name;
    QByteArrayView rawValue;
};

// "name=value" of one segment; a segment without '=' has an empty name.
Parameter splitParameter(QByteArrayView segment)
{
    const qsizetype eq = segment.indexOf('=');
    if (eq < 0)
        return {QByteArrayView(), segment.trimmed()};
    return {segment.first(eq).trimmed(), segment.sliced(eq + 1)};
}

// The first parameter called `name` (case-insensitive) among the segments
// after the leading value; std::nullopt when absent or malformed.
std::optional<QByteArray> findParameter(const QList<QByteArrayView> &segments, QByteArrayView name)
{
    for (qsizetype i = 1; i < segments.size(); ++i) {
        const Parameter parameter = splitParameter(segments[i]);
        if (equalsNoCase(parameter.name, name))
            return parameterValue(parameter.rawValue);
    }
    return std::nullopt;
}

// RFC 5987 ext-value: charset'language'percent-encoded. Only UTF-8 and
// ISO-8859-1 are required by the RFC; other charsets are ignored so the
// plain filename= parameter is used instead.
std::optional<QString> decodeExtValue(const QByteArray &extValue)
{
    const qsizetype firstQuote = extValue.indexOf('\'');
    const qsizetype secondQuote = extValue.indexOf('\'', firstQuote + 1);
    if (firstQuote < 0 || secondQuote < 0)
        return std::nullopt;
    const QByteArrayView charset = QByteArrayView(extValue).first(firstQuote);
    const QByteArray decoded = QByteArray::fromPercentEncoding(extValue.sliced(secondQuote + 1));
    if (equalsNoCase(charset, "UTF-8"))
        return QString::fromUtf8(decoded);
    if (equalsNoCase(charset, "ISO-8859-1"))
        return QString::fromLatin1(decoded);
    return std::nullopt;
}

// Keeps only the last path component so a client cannot choose where the file
// lands ("../../etc/passwd"), and drops control characters that would corrupt
// logs or file systems. Names left meaningless become "upload".
QString sanitizeFileName(const QString &raw)
{
    QString name;
    name.reserve(raw.size());
    for (const QChar c : raw) {
        if (c.category() != QChar::Other_Control)
            name.append(c);
    }
    const qsizetype separator = qMax(name.lastIndexOf(u'/'), name.lastIndexOf(u'\\'));
    name = name.sliced(separator + 1);
    if (name.isEmpty() || name == u"." || name == u"..")
        return QStringLiteral("upload");
    return name;
}

// The file name of a part: filename* wins over filename. An empty filename=""
// (a browser's file input with no file chosen) leaves the part a plain field.
QString fileNameFrom(const QList<QByteArrayView> &segments)
{
    if (const auto extValue = findParameter(segments, "filename*")) {
        if (const auto decoded = decodeExtValue(*extValue); decoded && !decoded->isEmpty())
            return sanitizeFileName(*decoded);
    }
    const auto plain = findParameter(segments, "filename");
    if (!plain || plain->isEmpty())
        return QString();
    return sanitizeFileName(QString::fromUtf8(*plain));
}

struct PartHeaders
{
    QByteArrayView contentDisposition;
    QByteArrayView contentType;
    bool hasContentDisposition = false;
};

// Header lines of one part. Lines without ':' are ignored rather than fatal:
// only Content-Disposition and Content-Type matter here.
PartHeaders readHeaderLines(QByteArrayView block)
{
    PartHeaders headers;
    qsizetype lineStart = 0;
    while (lineStart < block.size()) {
        qsizetype lineEnd = block.indexOf(kCrlf, lineStart);
        if (lineEnd < 0)
            lineEnd = block.size();
        const QByteArrayView line = block.sliced(lineStart, lineEnd - lineStart);
        lineStart = lineEnd + kCrlf.size();
        const qsizetype colon = line.indexOf(':');
        if (colon < 0)
            continue;
        const QByteArrayView name = line.first(colon).trimmed();
        const QByteArrayView value = line.sliced(colon + 1).trimmed();
        if (equalsNoCase(name, "Content-Disposition") && !headers.hasContentDisposition) {
            headers.contentDisposition = value;
            headers.hasContentDisposition = true;
        } else if (equalsNoCase(name, "Content-Type") && headers.contentType.isEmpty()) {
            headers.contentType = value;
        }
    }
    return headers;
}

// What follows a "--boundary" candidate at `pos`.
struct DelimiterEnd
{
    enum Kind
    {
        NotADelimiter,
        Close,
        NextPart
    } kind = NotADelimiter;
    qsizetype nextPartStart = -1;
};

// "--" closes the body; otherwise transport padding (spaces, tabs) and CRLF
// must follow. Anything else means the bytes only look like a boundary
// ("--boundaryX") and belong to the data.
DelimiterEnd classifyDelimiterEnd(QByteArrayView body, qsizetype pos)
{
    if (body.sliced(pos).startsWith(kCloseMarker))
        return {DelimiterEnd::Close, -1};
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t'))
        ++pos;
    if (body.sliced(pos).startsWith(kCrlf))
        return {DelimiterEnd::NextPart, pos + kCrlf.size()};
    return {};
}

struct Delimiter
{
    qsizetype start = -1; // where the CRLF before "--boundary" begins; -1 if none
    DelimiterEnd end;
};

// The next real "\r\n--boundary" at or after `from`. The search is for
// "\r\n--" plus a few boundary bytes, and the rest of the boundary is then
// compared: indexOf() with the whole delimiter is O(body * boundary) on hostile
// input (boundary "aaa..." in a body of 'a's, ~40x slower), a short needle
// bounds that cost, and as "\r\n--" cannot overlap itself the comparisons
// stay linear. Boundary-like lines ("--boundaryX") are searched past.
Delimiter findDelimiter(QByteArrayView body, qsizetype from, QByteArrayView boundary)
{
    const QByteArray needle = kDelimiterPrefix.toByteArray() +
                              boundary.first(qMin(boundary.size(), kBoundaryBytesInNeedle));
    for (qsizetype at = body.indexOf(needle, from); at >= 0;
         at = body.indexOf(needle, at + kDelimiterPrefix.size())) {
        const qsizetype boundaryStart = at + kDelimiterPrefix.size();
        if (!body.sliced(boundaryStart).startsWith(boundary))
            continue;
        const DelimiterEnd end = classifyDelimiterEnd(body, boundaryStart + boundary.size());
        if (end.kind != DelimiterEnd::NotADelimiter)
            return {at, end};
    }
    return {};
}

// The header block of a part starting at `start`, CRLFCRLF excluded. Searching
// only kMaxHeaderBytes keeps a body without a blank line from being scanned
// to its end. Sets `error` and returns std::nullopt when there is none.
std::optional<QByteArrayView> headerBlock(QByteArrayView body, qsizetype start, QString &error)
{
    const QByteArrayView rest = body.sliced(start);
    if (rest.startsWith(kCrlf))
        return rest.first(0); // a part without headers
    const QByteArrayView window =
        rest.first(qMin(rest.size(), qsizetype(MultipartParser::kMaxHeaderBytes)));
    const qsizetype blockEnd = window.indexOf(kHeaderEnd);
    if (blockEnd >= 0)
        return window.first(blockEnd);
    error = rest.size() >= MultipartParser::kMaxHeaderBytes
                ? QStringLiteral("part headers too large")
                : kTruncatedError;
    return std::nullopt;
}

// Fills name, fileName and contentType of `part`; returns an error message,
// empty on success.
QString applyHeaders(const PartHeaders &headers, MultipartPart &part)
{
    if (!headers.hasContentDisposition)
        return QStringLiteral("part has no Content-Disposition header");
    const QList<QByteArrayView> segments = splitParameters(headers.contentDisposition);
    if (!equalsNoCase(segments.first().trimmed(), "form-data"))
        return QStringLiteral("part Content-Disposition is not form-data");
    const auto name = findParameter(segments, "name");
    if (!name || name->isEmpty())
        return QStringLiteral("part has no name");
    part.name = QString::fromUtf8(*name);
    part.fileName = fileNameFrom(segments);
    part.contentType = headers.contentType.toByteArray();
    return QString();
}

// Reads the headers of the part starting at `start` into `part`. Returns
// where its data begins, or -1 with `error` set.
qsizetype readPartHeaders(QByteArrayView body, qsizetype start, MultipartPart &part, QString &error)
{
    const auto block = headerBlock(body, start, error);
    if (!block)
        return -1;
    error = applyHeaders(readHeaderLines(*block), part);
    if (!error.isEmpty())
        return -1;
    // The block is followed by CRLFCRLF, or is empty and followed by one CRLF.
    const qsizetype terminator = block->isEmpty() ? kCrlf.size() : kHeaderEnd.size();
    return start + block->size() + terminator;
}

} // namespace

QByteArray MultipartParser::boundaryFrom(const QByteArray &contentType)
{
    const QList<QByteArrayView> segments = splitParameters(contentType);
    if (!equalsNoCase(segments.first().trimmed(), "multipart/form-data"))
        return QByteArray();
    const auto boundary = findParameter(segments, "boundary");
    if (!boundary || boundary->isEmpty() || boundary->size() > kMaxBoundaryLength)
        return QByteArray();
    return *boundary;
}

std::optional<QList<MultipartPart>> MultipartParser::parse(const QByteArray &body,
                                                           const QByteArray &boundary)
{
    m_error.clear();
    if (boundary.isEmpty()) {
        m_error = QStringLiteral("multipart boundary is empty");
        return std::nullopt;
    }
    const QByteArray dashBoundary = kCloseMarker.toByteArray() + boundary;

    // The first boundary either opens the body or ends a preamble with CRLF.
    DelimiterEnd end;
    if (body.startsWith(dashBoundary))
        end = classifyDelimiterEnd(body, dashBoundary.size());
    if (end.kind == DelimiterEnd::NotADelimiter)
        end = findDelimiter(body, 0, boundary).end;
    if (end.kind == DelimiterEnd::NotADelimiter) {
        m_error = QStringLiteral("multipart body does not start with the boundary");
        return std::nullopt;
    }

    QList<MultipartPart> parts;
    while (end.kind == DelimiterEnd::NextPart) {
        if (parts.size() >= m_maxParts) {
            m_error = QStringLiteral("multipart body has more than %1 parts").arg(m_maxParts);
            return std::nullopt;
        }
        MultipartPart part;
        const qsizetype dataStart = readPartHeaders(body, end.nextPartStart, part, m_error);
        if (dataStart < 0)
            return std::nullopt;
        const Delimiter next = findDelimiter(body, dataStart, boundary);
        if (next.start < 0) {
            m_error = kTruncatedError;
            return std::nullopt;
        }
        // The single copy of this part's bytes.
        part.data = body.sliced(dataStart, next.start - dataStart);
        parts.append(std::move(part));
        end = next.end;
    }
    return parts;
}

} // namespace aether
