#pragma once

#include <QByteArray>

#include <memory>

namespace aether {

// Decodes a response body as it streams in (Content-Encoding gzip or deflate,
// or none), holding only zlib's window, and stops at a size limit on the
// decoded bytes. The fetch decodes itself rather than leave it to Qt Network,
// which buffers decoded data without regard to QNetworkReply's read buffer.
class BodyDecoder
{
public:
    enum class Result
    {
        Ok,
        OverLimit, // the decoded body would exceed the limit
        Corrupt    // not valid gzip / deflate data
    };

    // `contentEncoding`: the header's value; unknown encodings pass through.
    explicit BodyDecoder(const QByteArray &contentEncoding);
    ~BodyDecoder();
    BodyDecoder(const BodyDecoder &) = delete;
    BodyDecoder &operator=(const BodyDecoder &) = delete;

    // Appends the decoded form of `input` to `body`, never letting it grow
    // past `limit` + 1 bytes.
    Result feed(const QByteArray &input, QByteArray &body, qint64 limit);
    // True once a compressed stream has ended and other bytes followed it:
    // they are ignored, so the caller need not read any more of them.
    bool ended() const;

private:
    struct Inflater;
    std::unique_ptr<Inflater> m_inflater; // null for identity
};

} // namespace aether
