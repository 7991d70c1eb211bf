#include "store/vectorencoding.h"

#include <QFloat16>
#include <cstring>

namespace aether::vectorencoding {

namespace {

int bytesPerValue(VectorEncoding encoding)
{
    return encoding == VectorEncoding::Float16 ? int(sizeof(qfloat16)) : int(sizeof(float));
}

} // namespace

VectorEncoding of(const QHash<QString, QString> &meta)
{
    return meta.value(kMetaKey) == QLatin1String("float16") ? VectorEncoding::Float16
                                                            : VectorEncoding::Float32;
}

QString name(VectorEncoding encoding)
{
    return encoding == VectorEncoding::Float16 ? QStringLiteral("float16")
                                               : QStringLiteral("float32");
}

// Values in host byte order, little-endian on every platform we ship.
QByteArray encode(const Vector &vector, VectorEncoding encoding)
{
    if (encoding == VectorEncoding::Float32)
        return QByteArray(reinterpret_cast<const char *>(vector.constData()),
                          vector.size() * qsizetype(sizeof(float)));
    QByteArray blob(vector.size() * qsizetype(sizeof(qfloat16)), Qt::Uninitialized);
    // Qt's converter uses the CPU's F16C instructions where it has them.
    qFloatToFloat16(reinterpret_cast<qfloat16 *>(blob.data()), vector.constData(), vector.size());
    return blob;
}

int dimensionOf(qsizetype bytes, VectorEncoding encoding)
{
    const int size = bytesPerValue(encoding);
    return bytes % size == 0 ? int(bytes / size) : 0;
}

void decode(const QByteArray &blob, VectorEncoding encoding, int dimension,
            std::vector<float> &values)
{
    values.resize(std::size_t(dimension));
    if (encoding == VectorEncoding::Float32) {
        std::memcpy(values.data(), blob.constData(), std::size_t(dimension) * sizeof(float));
        return;
    }
    // A blob from SQLite need not be aligned for qfloat16: copy it first.
    std::vector<qfloat16> halves(static_cast<std::size_t>(dimension));
    std::memcpy(halves.data(), blob.constData(), halves.size() * sizeof(qfloat16));
    qFloatFromFloat16(values.data(), halves.data(), dimension);
}

} // namespace aether::vectorencoding
