#pragma once

#include "text/embedder.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <vector>

namespace aether {

// How a store keeps its vectors in `vectors.embedding`, recorded in its meta
// table as `vector_encoding` when the store is made and never changed after:
// - float16 (half precision, IEEE 754 binary16, little-endian): stores made
//   since schema 7. Half the bytes of float32 to write, read and keep on
//   disk; a unit vector's cosine to another moves by about 1e-4, which leaves
//   the top results as float32 ranks them (tests/core/search/tst_retrieval.cpp).
//   Search decodes to float32 in memory, where the int8 scan's candidates are
//   re-ranked, so the re-rank is as exact as the stored values allow.
// - float32: stores made before (their vectors stay as they are).
enum class VectorEncoding
{
    Float32,
    Float16
};

namespace vectorencoding {

inline const QString kMetaKey = QStringLiteral("vector_encoding");

// The encoding a store's meta records; float32 when it records none.
VectorEncoding of(const QHash<QString, QString> &meta);
QString name(VectorEncoding encoding);

QByteArray encode(const Vector &vector, VectorEncoding encoding);
// The number of values a blob of `bytes` holds; 0 when it is not whole values.
int dimensionOf(qsizetype bytes, VectorEncoding encoding);
// Decodes a blob of `dimension` values into `values` (resized to fit).
void decode(const QByteArray &blob, VectorEncoding encoding, int dimension,
            std::vector<float> &values);

} // namespace vectorencoding
} // namespace aether
