#include "server/replyjson.h"

namespace aether {

void appendJsonString(QByteArray &out, const QByteArray &utf8)
{
    static constexpr char kHex[] = "0123456789abcdef";
    out.append('"');
    for (const char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.append('\\').append(c);
        } else if (byte < 0x20) {
            switch (c) {
            case '\n':
                out.append("\\n");
                break;
            case '\r':
                out.append("\\r");
                break;
            case '\t':
                out.append("\\t");
                break;
            default:
                out.append("\\u00").append(kHex[byte >> 4]).append(kHex[byte & 0xf]);
            }
        } else {
            out.append(c); // UTF-8 passes through: JSON text is UTF-8
        }
    }
    out.append('"');
}

void ReplyJson::appendKey(const char *key)
{
    m_members.append(m_members.isEmpty() ? "\"" : ",\"").append(key).append("\":");
}

ReplyJson &ReplyJson::field(const char *key, QStringView value)
{
    return field(key, value.toUtf8());
}

ReplyJson &ReplyJson::field(const char *key, const QByteArray &utf8)
{
    appendKey(key);
    appendJsonString(m_members, utf8);
    return *this;
}

ReplyJson &ReplyJson::field(const char *key, bool value)
{
    appendKey(key);
    m_members.append(value ? "true" : "false");
    return *this;
}

QByteArray ReplyJson::object() const
{
    QByteArray text;
    text.reserve(m_members.size() + 2);
    text.append('{').append(m_members).append('}');
    return text;
}

ReplyJson &ReplyJson::fieldsOf(const ReplyJson &other)
{
    if (!m_members.isEmpty() && !other.m_members.isEmpty())
        m_members.append(',');
    m_members.append(other.m_members);
    return *this;
}

} // namespace aether
