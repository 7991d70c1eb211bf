#include "extract/mimemessage.h"

#include "extract/textdecoder.h"

#include <QRegularExpression>

namespace aether {

namespace {

int hexValue(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    return -1;
}

// Where the header block ends and the body begins: the first empty line.
std::pair<qsizetype, qsizetype> headerEnd(const QByteArray &raw)
{
    if (raw.startsWith("\r\n"))
        return {0, 2};
    if (raw.startsWith('\n'))
        return {0, 1};
    const qsizetype crlf = raw.indexOf("\r\n\r\n");
    const qsizetype lf = raw.indexOf("\n\n");
    if (crlf >= 0 && (lf < 0 || crlf < lf))
        return {crlf, crlf + 4};
    if (lf >= 0)
        return {lf, lf + 2};
    return {raw.size(), raw.size()};
}

// The parameters after the first ';' of a structured header, quotes removed.
QByteArray parameterOf(const QByteArray &value, QByteArrayView name)
{
    qsizetype i = value.indexOf(';');
    while (i >= 0 && i < value.size()) {
        const qsizetype equals = value.indexOf('=', i + 1);
        if (equals < 0)
            return {};
        const QByteArray key = value.mid(i + 1, equals - i - 1).trimmed().toLower();
        qsizetype end = equals + 1;
        while (end < value.size() && (value[end] == ' ' || value[end] == '\t'))
            ++end;
        QByteArray parameter;
        if (end < value.size() && value[end] == '"') {
            for (++end; end < value.size() && value[end] != '"'; ++end) {
                if (value[end] == '\\' && end + 1 < value.size())
                    ++end;
                parameter += value[end];
            }
            end = value.indexOf(';', end);
        } else {
            const qsizetype semicolon = value.indexOf(';', end);
            parameter = value.mid(end, semicolon < 0 ? -1 : semicolon - end).trimmed();
            end = semicolon;
        }
        if (key == name)
            return parameter;
        i = end;
    }
    return {};
}

} // namespace

MimePart MimePart::parse(const QByteArray &raw)
{
    MimePart part;
    const auto [end, bodyStart] = headerEnd(raw);
    const QList<QByteArray> lines = raw.left(end).split('\n');
    for (const QByteArray &rawLine : lines) {
        const QByteArray line = rawLine.endsWith('\r') ? rawLine.chopped(1) : rawLine;
        if ((line.startsWith(' ') || line.startsWith('\t')) && !part.m_headers.isEmpty()) {
            part.m_headers.last().second.append(' ').append(line.trimmed());
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            part.m_headers.append(
                {line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed()});
    }
    part.m_body = raw.mid(bodyStart);
    return part;
}

QByteArray MimePart::header(QByteArrayView name) const
{
    const QByteArray lower = name.toByteArray().toLower();
    for (const auto &[key, value] : m_headers) {
        if (key == lower)
            return value;
    }
    return {};
}

QString MimePart::headerText(QByteArrayView name) const
{
    return decodeEncodedWords(header(name)).simplified();
}

QByteArray MimePart::mimeType() const
{
    const QByteArray type = header("content-type").split(';').first().trimmed().toLower();
    return type.contains('/') ? type : QByteArrayLiteral("text/plain");
}

QByteArray MimePart::parameter(QByteArrayView headerName, QByteArrayView name) const
{
    return parameterOf(header(headerName), name);
}

bool MimePart::isAttachment() const
{
    return header("content-disposition").trimmed().toLower().startsWith("attachment");
}

QByteArray MimePart::decodedBody() const
{
    const QByteArray encoding = header("content-transfer-encoding").trimmed().toLower();
    if (encoding == "base64")
        return QByteArray::fromBase64(m_body);
    if (encoding == "quoted-printable")
        return decodeQuotedPrintable(m_body);
    return m_body;
}

QList<MimePart> MimePart::children() const
{
    const QByteArray boundary = parameter("content-type", "boundary");
    if (!isMultipart() || boundary.isEmpty())
        return {};
    const QByteArray delimiter = QByteArray("--").append(boundary);
    const QByteArray lineDelimiter = QByteArray("\n").append(delimiter);
    QList<MimePart> parts;
    qsizetype partStart = -1;
    qsizetype at = m_body.startsWith(delimiter) ? 0 : m_body.indexOf(lineDelimiter);
    while (at >= 0 && parts.size() < kMaxParts) {
        const qsizetype delimiterStart = m_body[at] == '\n' ? at + 1 : at;
        if (partStart >= 0) {
            qsizetype partEnd = at; // the line break before the delimiter belongs to it
            if (partEnd > partStart && m_body[partEnd - 1] == '\r')
                --partEnd;
            parts.append(parse(m_body.mid(partStart, qMax<qsizetype>(0, partEnd - partStart))));
        }
        const qsizetype afterDelimiter = delimiterStart + delimiter.size();
        if (m_body.mid(afterDelimiter, 2) == "--")
            break; // the close delimiter
        const qsizetype lineEnd = m_body.indexOf('\n', afterDelimiter);
        if (lineEnd < 0)
            break;
        partStart = lineEnd + 1;
        at = m_body.indexOf(lineDelimiter, lineEnd);
    }
    return parts;
}

QString MimePart::decodeEncodedWords(const QByteArray &value)
{
    static const QRegularExpression word(QStringLiteral("=\\?([^?]+)\\?([bBqQ])\\?([^?]*)\\?="));
    // Undecoded bytes may be raw UTF-8 (RFC 6532) or a legacy charset.
    const QString text = TextDecoder::decode(value);
    QString result;
    qsizetype done = 0;
    bool previousWasWord = false;
    auto matches = word.globalMatch(text);
    while (matches.hasNext()) {
        const auto match = matches.next();
        const QStringView between = QStringView(text).mid(done, match.capturedStart() - done);
        // Whitespace between two encoded words is not part of the text.
        if (!(previousWasWord && between.trimmed().isEmpty()))
            result += between;
        QByteArray charset = match.captured(1).toLatin1();
        charset = charset.left(charset.indexOf('*')); // RFC 2231 language suffix
        const QByteArray payload = match.captured(3).toLatin1();
        const QByteArray bytes = match.captured(2).compare(u"b", Qt::CaseInsensitive) == 0
                                     ? QByteArray::fromBase64(payload)
                                     : decodeQuotedPrintable(payload, true);
        result += TextDecoder::decode(bytes, charset);
        done = match.capturedEnd();
        previousWasWord = true;
    }
    result += QStringView(text).mid(done);
    return result;
}

QByteArray MimePart::decodeQuotedPrintable(QByteArrayView bytes, bool underscoreIsSpace)
{
    QByteArray decoded;
    decoded.reserve(bytes.size());
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const char ch = bytes[i];
        if (ch == '_' && underscoreIsSpace) {
            decoded += ' ';
        } else if (ch != '=') {
            decoded += ch;
        } else if (i + 1 < bytes.size() && (bytes[i + 1] == '\n' || bytes[i + 1] == '\r')) {
            i += (bytes[i + 1] == '\r' && i + 2 < bytes.size() && bytes[i + 2] == '\n') ? 2 : 1;
        } else if (i + 2 < bytes.size() && hexValue(bytes[i + 1]) >= 0 &&
                   hexValue(bytes[i + 2]) >= 0) {
            decoded += char(hexValue(bytes[i + 1]) * 16 + hexValue(bytes[i + 2]));
            i += 2;
        } else {
            decoded += ch;
        }
    }
    return decoded;
}

} // namespace aether
