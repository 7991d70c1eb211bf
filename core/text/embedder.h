#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QVector>

namespace aether {

using Vector = QVector<float>;

// Turns texts into vectors. One instance per worker thread.
class Embedder
{
public:
    virtual ~Embedder() = default;
    virtual QString provider() const = 0; // "hash", "openai", "ollama"
    virtual QString model() const = 0;
    virtual int dimension() const = 0;
    virtual QList<Vector> embed(const QStringList &texts) = 0;
};

} // namespace aether
