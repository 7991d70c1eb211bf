#include "server/chunkedbody.h"

namespace aether {

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Up to 15 hex digits (under 2^60): a larger size is refused, never wrapped.
constexpr int kMaxSizeDigits = 15;

} // namespace

void ChunkedBody::fail(const QString &why)
{
    m_state = State::Malformed;
    m_error = why;
}

void ChunkedBody::skipData(qint64 bytes)
{
    m_remaining -= qMin(bytes, dataAhead());
    if (m_state == State::Data && m_remaining == 0)
        m_state = State::DataEnd;
}

qsizetype ChunkedBody::consume(const char *data, qsizetype size)
{
    qsizetype used = 0;
    while (used < size) {
        switch (m_state) {
        case State::SizeLine: {
            const char c = data[used++];
            if (c != '\n') {
                m_line.append(c);
                if (m_line.size() > kMaxSizeLine)
                    fail(QStringLiteral("a chunk size line is longer than %1 bytes")
                             .arg(kMaxSizeLine));
                break;
            }
            finishSizeLine();
            break;
        }
        case State::Data: {
            const qint64 take = qMin<qint64>(m_remaining, size - used);
            m_remaining -= take;
            used += qsizetype(take);
            if (m_remaining == 0)
                m_state = State::DataEnd;
            break;
        }
        case State::DataEnd:
            used += consumeLineEnd(data + used, size - used, State::SizeLine);
            break;
        case State::LastEnd:
            used += consumeLineEnd(data + used, size - used, State::Done);
            break;
        case State::Done:
        case State::Malformed:
            return used;
        }
    }
    return used;
}

void ChunkedBody::finishSizeLine()
{
    if (!m_line.endsWith('\r'))
        return fail(QStringLiteral("a chunk size line must end with CRLF"));
    m_line.chop(1);
    const qsizetype extension = m_line.indexOf(';');
    const QByteArray digits = (extension < 0 ? m_line : m_line.left(extension)).trimmed();
    for (const char c : m_line) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && c != '\t') || byte == 0x7f)
            return fail(QStringLiteral("control characters in a chunk size line"));
    }
    if (digits.isEmpty() || digits.size() > kMaxSizeDigits)
        return fail(QStringLiteral("invalid chunk size"));
    qint64 chunkSize = 0;
    for (const char c : digits) {
        const int digit = hexValue(c);
        if (digit < 0)
            return fail(QStringLiteral("invalid chunk size"));
        chunkSize = chunkSize * 16 + digit;
    }
    m_line.clear();
    m_announced += chunkSize;
    m_remaining = chunkSize;
    m_lineEndSeen = 0;
    m_state = chunkSize == 0 ? State::LastEnd : State::Data;
}

qsizetype ChunkedBody::consumeLineEnd(const char *data, qsizetype size, State next)
{
    static constexpr char kLineEnd[] = "\r\n";
    qsizetype used = 0;
    while (used < size && m_lineEndSeen < 2) {
        if (data[used] != kLineEnd[m_lineEndSeen]) {
            fail(next == State::Done ? QStringLiteral("trailer fields are not accepted after the "
                                                      "last chunk")
                                     : QStringLiteral("chunk data must end with CRLF"));
            return used;
        }
        ++used;
        ++m_lineEndSeen;
    }
    if (m_lineEndSeen == 2) {
        m_lineEndSeen = 0;
        m_state = next;
    }
    return used;
}

} // namespace aether
