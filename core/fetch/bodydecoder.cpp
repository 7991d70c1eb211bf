#include "fetch/bodydecoder.h"

#include <zlib.h>

namespace aether {

namespace {

constexpr int kOutputStepBytes = 64 * 1024;
constexpr int kGzipOrZlib = 15 + 32; // windowBits: detect either header
constexpr int kRawDeflate = -15;

bool startsGzipMember(const z_stream &stream)
{
    return stream.avail_in >= 2 && stream.next_in[0] == 0x1f && stream.next_in[1] == 0x8b;
}

} // namespace

struct BodyDecoder::Inflater
{
    explicit Inflater(bool deflate) : mayBeRaw(deflate), step(kOutputStepBytes, Qt::Uninitialized)
    {
        inflateInit2(&stream, kGzipOrZlib);
    }
    ~Inflater() { inflateEnd(&stream); }

    // The same bytes again, as raw deflate: HTTP's "deflate" means the zlib
    // format, but some servers send it without the zlib header.
    void restartRaw(const QByteArray &input)
    {
        mayBeRaw = false;
        inflateEnd(&stream);
        stream = z_stream{};
        inflateInit2(&stream, kRawDeflate);
        stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(input.constData()));
        stream.avail_in = uInt(input.size());
    }

    z_stream stream{};
    bool mayBeRaw;
    bool ended = false; // what follows the last member is ignored, as browsers do
    QByteArray step;    // decoded output before it joins the body
};

BodyDecoder::BodyDecoder(const QByteArray &contentEncoding)
{
    const QByteArray encoding = contentEncoding.trimmed().toLower();
    if (encoding == "gzip" || encoding == "x-gzip")
        m_inflater = std::make_unique<Inflater>(false);
    else if (encoding == "deflate")
        m_inflater = std::make_unique<Inflater>(true);
}

BodyDecoder::~BodyDecoder() = default;

bool BodyDecoder::ended() const
{
    return m_inflater && m_inflater->ended;
}

BodyDecoder::Result BodyDecoder::feed(const QByteArray &input, QByteArray &body, qint64 limit)
{
    if (!m_inflater) {
        body += input.left(limit + 1 - body.size());
        return body.size() > limit ? Result::OverLimit : Result::Ok;
    }
    Inflater &inflater = *m_inflater;
    if (inflater.ended || input.isEmpty())
        return Result::Ok;
    z_stream &stream = inflater.stream;
    const bool firstInput = stream.total_in == 0;
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(input.constData()));
    stream.avail_in = uInt(input.size());
    for (;;) {
        const qint64 room = qMin<qint64>(kOutputStepBytes, limit + 1 - body.size());
        stream.next_out = reinterpret_cast<Bytef *>(inflater.step.data());
        stream.avail_out = uInt(room);
        const int status = inflate(&stream, Z_NO_FLUSH);
        body.append(inflater.step.constData(), room - stream.avail_out);
        if (body.size() > limit)
            return Result::OverLimit;
        if (status == Z_DATA_ERROR && inflater.mayBeRaw && firstInput && body.isEmpty()) {
            inflater.restartRaw(input);
            continue;
        }
        if (status == Z_STREAM_END) {
            if (!startsGzipMember(stream)) {
                inflater.ended = true;
                return Result::Ok;
            }
            inflateReset(&stream); // gzip members may follow one another (RFC 1952)
            continue;
        }
        if (status != Z_OK && status != Z_BUF_ERROR)
            return Result::Corrupt;
        // Done when all input is used and the output had room to spare, or
        // when zlib can make no progress (it needs the next piece).
        if ((stream.avail_in == 0 && stream.avail_out > 0) || status == Z_BUF_ERROR)
            return Result::Ok;
    }
}

} // namespace aether
