#pragma once

#include <QByteArray>
#include <QString>

namespace aether {

// Follows the framing of a chunked request body (RFC 9112 section 7.1) over
// its bytes as they arrive, without keeping them: the server needs to know
// where the body ends, how large it has become, and that its framing is one
// QHttpServer decodes the same way. Chunk extensions are allowed and ignored;
// trailer fields are not accepted (QHttpServer 6.4 would misread them).
class ChunkedBody
{
public:
    static constexpr qsizetype kMaxSizeLine = 1024;

    // Reads framing from `data`; returns how many bytes belong to this body
    // (less than `size` once it is complete, the rest being the next request).
    qsizetype consume(const char *data, qsizetype size);

    bool isComplete() const { return m_state == State::Done; }
    bool isMalformed() const { return m_state == State::Malformed; }
    // The last chunk's CR arrived without its LF: QHttpServer 6.4 would then
    // read the next byte as the LF, eating the first byte of the next request.
    bool awaitsFinalLineFeed() const { return m_state == State::LastEnd && m_lineEndSeen == 1; }
    QString error() const { return m_error; }
    // The sum of the chunk sizes announced so far (data may still be arriving).
    qint64 announcedBytes() const { return m_announced; }
    // Bytes of chunk data that follow now, which need not be looked at:
    // skipData() passes over up to that many.
    qint64 dataAhead() const { return m_state == State::Data ? m_remaining : 0; }
    void skipData(qint64 bytes);

private:
    enum class State
    {
        SizeLine,
        Data,
        DataEnd,
        LastEnd,
        Done,
        Malformed
    };

    void fail(const QString &why);
    void finishSizeLine();
    // Expects the two bytes "\r\n" at `data[0..size)`; returns bytes used.
    qsizetype consumeLineEnd(const char *data, qsizetype size, State next);

    State m_state = State::SizeLine;
    QByteArray m_line;      // of the chunk size line, while it arrives
    qint64 m_remaining = 0; // of the current chunk's data
    int m_lineEndSeen = 0;  // bytes of the "\r\n" after a chunk already read
    qint64 m_announced = 0;
    QString m_error;
};

} // namespace aether
