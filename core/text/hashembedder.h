#pragma once

#include "text/embedder.h"

namespace aether {

// Offline default embedder: signed feature hashing into 384 dimensions,
// L2-normalised, of each word that is not a stop word (lower-cased, stemmed
// by Snowball's Porter2), its character trigrams (so other forms and typos stay close) and
// pairs of neighbouring words. Deterministic across runs and machines (a fixed
// 64-bit FNV-1a hash, not qHash, which is seeded per process).
// hash-v3: Porter2 stems (hash-v2 had a hand-written light stemmer); the
// model name changes with the vectors, so an older store is reported as an
// embedder mismatch and re-indexed (README, upgrade notes).
class HashEmbedder : public Embedder
{
public:
    static constexpr int kDimension = 384;

    QString provider() const override { return QStringLiteral("hash"); }
    QString model() const override { return QStringLiteral("hash-v3"); }
    int dimension() const override { return kDimension; }
    using Embedder::embed; // the overload taking a CancelToken, which is ignored here
    QList<Vector> embed(const QStringList &texts) override;

    static Vector embedOne(const QString &text);
};

} // namespace aether
