#include "server/requesthead.h"

namespace aether {

namespace {

// RFC 9110 "tchar": what method and field names are made of.
bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c != '\0' && QByteArray("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(const QByteArray &text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

// A field value may hold visible characters, spaces and tabs, and any byte
// above 0x7f (obs-text); no control characters (a lone CR would end the line
// for some parsers and not for others).
bool isFieldValue(const QByteArray &value)
{
    for (const char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && c != '\t') || byte == 0x7f)
            return false;
    }
    return true;
}

bool isDigits(const QByteArray &text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

// "close, Upgrade" -> has "close"
bool hasToken(const QByteArray &list, const char *token)
{
    for (const QByteArray &item : list.split(',')) {
        if (item.trimmed().toLower() == token)
            return true;
    }
    return false;
}

} // namespace

QByteArray RequestHead::value(const QByteArray &lowerName) const
{
    QByteArray joined;
    for (const auto &[name, value] : fields) {
        if (name != lowerName)
            continue;
        if (!joined.isEmpty())
            joined += ", ";
        joined += value;
    }
    return joined;
}

bool RequestHead::has(const QByteArray &lowerName) const
{
    for (const auto &field : fields) {
        if (field.first == lowerName)
            return true;
    }
    return false;
}

void RequestHead::refuse(int status, const QString &why)
{
    if (refusal != 0)
        return; // the first reason found is the one given
    refusal = status;
    error = why;
}

RequestHead RequestHead::parse(const QByteArray &block)
{
    RequestHead head;
    QList<QByteArray> lines = block.split('\n');
    for (QByteArray &line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
    }
    if (!head.parseRequestLine(lines.value(0)))
        return head;
    if (lines.size() - 1 > kMaxFields) {
        head.refuse(431, QStringLiteral("more than %1 header fields").arg(kMaxFields));
        return head;
    }
    for (qsizetype i = 1; i < lines.size(); ++i) {
        if (!head.parseField(lines[i]))
            return head;
    }
    head.decideFraming();
    return head;
}

bool RequestHead::parseRequestLine(const QByteArray &line)
{
    const QList<QByteArray> parts = line.split(' ');
    if (parts.size() != 3 || !isToken(parts[0]) || parts[1].isEmpty() || !isFieldValue(parts[1])) {
        refuse(400, QStringLiteral("malformed request line"));
        return false;
    }
    method = parts[0];
    target = parts[1];
    version = parts[2];
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        if (version.startsWith("HTTP/"))
            refuse(505, QStringLiteral("only HTTP/1.1 and HTTP/1.0 are served"));
        else
            refuse(400, QStringLiteral("malformed request line"));
        return false;
    }
    return true;
}

bool RequestHead::parseField(const QByteArray &line)
{
    if (line.startsWith(' ') || line.startsWith('\t')) {
        refuse(400, QStringLiteral("folded header lines are not accepted"));
        return false;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon < 0) {
        refuse(400, QStringLiteral("a header line has no colon"));
        return false;
    }
    const QByteArray name = line.left(colon);
    const QByteArray value = line.mid(colon + 1).trimmed();
    if (!isToken(name)) {
        refuse(400, QStringLiteral("malformed header name"));
        return false;
    }
    if (!isFieldValue(value)) {
        refuse(400,
               QStringLiteral("control characters in header '%1'").arg(QString::fromLatin1(name)));
        return false;
    }
    fields.append({name.toLower(), value});
    return true;
}

void RequestHead::decideFraming()
{
    const bool http11 = version == "HTTP/1.1";
    int hosts = 0;
    QByteArray length;
    for (const auto &[name, value] : fields) {
        if (name == "host") {
            ++hosts;
        } else if (name == "content-length") {
            // A list ("5, 5") or two different values would be read one way
            // here and another by the next parser: a request smuggled in.
            if (!isDigits(value) || value.size() > 15)
                return refuse(400, QStringLiteral("invalid Content-Length"));
            if (!length.isEmpty() && value.toLongLong() != length.toLongLong())
                return refuse(400, QStringLiteral("conflicting Content-Length fields"));
            length = value;
        }
    }
    if (http11 && hosts == 0)
        return refuse(400, QStringLiteral("an HTTP/1.1 request needs a Host header"));
    if (hosts > 1)
        return refuse(400, QStringLiteral("more than one Host header"));
    contentLength = length.toLongLong();

    const QByteArray coding = value("transfer-encoding").trimmed().toLower();
    if (has("transfer-encoding") && coding != "identity") {
        if (coding != "chunked")
            return refuse(501, QStringLiteral("unsupported Transfer-Encoding '%1'; send chunked "
                                              "or Content-Length")
                                   .arg(QString::fromLatin1(coding)));
        if (!http11)
            return refuse(400, QStringLiteral("chunked bodies need HTTP/1.1"));
        if (!length.isEmpty())
            return refuse(400, QStringLiteral("both Content-Length and Transfer-Encoding"));
        chunked = true;
    }
    // HTTP/1.0 clients get their answer and the end of the connection.
    keepAlive = http11 && !hasToken(value("connection"), "close");
    expectContinue = value("expect").trimmed().toLower() == "100-continue";
}

} // namespace aether
