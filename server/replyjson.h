#pragma once

#include <QByteArray>
#include <QStringView>

namespace aether {

// A flat JSON object written straight into bytes, for the answers sent for
// every enqueue: building a QJsonObject and serializing it cost about 7% of
// the API's CPU per request (docs/benchmarks.md, "Enqueue"). Keys are
// literals; string values are escaped as JSON requires.
class ReplyJson
{
public:
    ReplyJson() { m_members.reserve(224); }

    ReplyJson &field(const char *key, QStringView value);
    ReplyJson &field(const char *key, const QByteArray &utf8);
    ReplyJson &field(const char *key, bool value);
    // A literal would otherwise pick the bool overload.
    ReplyJson &field(const char *key, const char *value) = delete;
    // Appends the members of `other` after this one's.
    ReplyJson &fieldsOf(const ReplyJson &other);
    // The object's text.
    QByteArray object() const;

private:
    void appendKey(const char *key);

    QByteArray m_members; // "key":value,... without the braces
};

// `utf8` as a JSON string (quoted, with '"', '\\' and control characters escaped).
void appendJsonString(QByteArray &out, const QByteArray &utf8);

} // namespace aether
