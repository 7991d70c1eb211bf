#include "queue/pickle.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtEndian>
#include <cmath>
#include <limits>

namespace aether {

namespace {

// Opcodes of pickle protocol 2 (Python's Lib/pickle.py).
constexpr char kProto = '\x80';
constexpr char kStop = '.';
constexpr char kMark = '(';
constexpr char kNone = 'N';
constexpr char kNewTrue = '\x88';
constexpr char kNewFalse = '\x89';
constexpr char kBinInt = 'J';   // 4-byte signed little-endian
constexpr char kLong1 = '\x8a'; // 1-byte length, two's complement little-endian
constexpr char kBinFloat = 'G'; // 8-byte big-endian IEEE 754
constexpr char kBinUnicode = 'X';
constexpr char kTuple = 't';
constexpr char kList = 'l';
constexpr char kDict = 'd';

void appendLittleEndian32(QByteArray &bytes, quint32 value)
{
    char buffer[4];
    qToLittleEndian(value, buffer);
    bytes.append(buffer, 4);
}

} // namespace

PickleWriter::PickleWriter()
{
    m_bytes.append(kProto).append('\x02');
}

PickleWriter &PickleWriter::none()
{
    m_bytes.append(kNone);
    return *this;
}

PickleWriter &PickleWriter::boolean(bool value)
{
    m_bytes.append(value ? kNewTrue : kNewFalse);
    return *this;
}

PickleWriter &PickleWriter::integer(qint64 value)
{
    if (value >= std::numeric_limits<qint32>::min() &&
        value <= std::numeric_limits<qint32>::max()) {
        m_bytes.append(kBinInt);
        appendLittleEndian32(m_bytes, quint32(qint32(value)));
        return *this;
    }
    // The shortest two's complement form: drop high bytes that only repeat the sign.
    char buffer[8];
    qToLittleEndian(value, buffer);
    int length = 8;
    while (length > 1) {
        const char top = buffer[length - 1];
        const bool nextNegative = (buffer[length - 2] & 0x80) != 0;
        if ((top == 0 && !nextNegative) || (top == char(0xff) && nextNegative))
            --length;
        else
            break;
    }
    m_bytes.append(kLong1).append(char(length)).append(buffer, length);
    return *this;
}

PickleWriter &PickleWriter::real(double value)
{
    char buffer[8];
    qToBigEndian(value, buffer);
    m_bytes.append(kBinFloat).append(buffer, 8);
    return *this;
}

PickleWriter &PickleWriter::text(QStringView value)
{
    return utf8(value.toUtf8());
}

PickleWriter &PickleWriter::utf8(const QByteArray &value)
{
    m_bytes.append(kBinUnicode);
    appendLittleEndian32(m_bytes, quint32(value.size()));
    m_bytes.append(value);
    return *this;
}

PickleWriter &PickleWriter::json(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return boolean(value.toBool());
    case QJsonValue::Double: {
        // JSON has one number type; whole numbers become Python ints.
        const double number = value.toDouble();
        if (std::trunc(number) == number && std::abs(number) < 9.0e15)
            return integer(qint64(number));
        return real(number);
    }
    case QJsonValue::String:
        return text(value.toString());
    case QJsonValue::Array: {
        beginList();
        for (const QJsonValue &item : value.toArray())
            json(item);
        return endList();
    }
    case QJsonValue::Object: {
        beginDict();
        const QJsonObject object = value.toObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it)
            text(it.key()).json(it.value());
        return endDict();
    }
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        break;
    }
    return none();
}

PickleWriter &PickleWriter::beginTuple()
{
    m_bytes.append(kMark);
    return *this;
}

PickleWriter &PickleWriter::endTuple()
{
    m_bytes.append(kTuple);
    return *this;
}

PickleWriter &PickleWriter::beginList()
{
    m_bytes.append(kMark);
    return *this;
}

PickleWriter &PickleWriter::endList()
{
    m_bytes.append(kList);
    return *this;
}

PickleWriter &PickleWriter::beginDict()
{
    m_bytes.append(kMark);
    return *this;
}

PickleWriter &PickleWriter::endDict()
{
    m_bytes.append(kDict);
    return *this;
}

QByteArray PickleWriter::finish()
{
    m_bytes.append(kStop);
    return std::move(m_bytes);
}

} // namespace aether
