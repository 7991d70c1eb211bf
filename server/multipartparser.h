#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

namespace aether {

struct MultipartPart
{
    QString name;     // form field name
    QString fileName; // empty when the part is not a file; path components stripped
    QByteArray contentType;
    QByteArray data; // exact bytes, binary-safe
    bool isFile() const { return !fileName.isEmpty(); }
};

// Parses a multipart/form-data body (RFC 7578). Binary-safe: only the exact
// "\r\n--boundary" delimiter ends a part, so CRLFs and boundary-like lines
// inside file data are kept. Part headers are capped (kMaxHeaderBytes per part).
class MultipartParser
{
public:
    static constexpr int kMaxHeaderBytes = 8 * 1024;
    static constexpr int kMaxParts = 100; // default; batch uploads allow more

    explicit MultipartParser(int maxParts = kMaxParts) : m_maxParts(maxParts) {}

    // The boundary parameter of a Content-Type header (quoted or not); empty
    // when the type is not multipart/form-data or has no boundary.
    static QByteArray boundaryFrom(const QByteArray &contentType);

    // Parts in order; std::nullopt and error() set when the body is malformed.
    std::optional<QList<MultipartPart>> parse(const QByteArray &body, const QByteArray &boundary);
    const QString &error() const { return m_error; }

private:
    QString m_error;
    int m_maxParts;
};

} // namespace aether
