#pragma once

#include "base/cancellation.h"

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
    // 0 while unknown: a remote embedder learns it from the service's first answer.
    virtual int dimension() const = 0;
    virtual QList<Vector> embed(const QStringList &texts) = 0;

    // Embedders that wait on a service override this so that an interrupted job
    // lets go of a hanging request (JobInterrupted); local ones ignore `cancel`.
    virtual QList<Vector> embed(const QStringList &texts, const CancelToken &cancel)
    {
        Q_UNUSED(cancel);
        return embed(texts);
    }

    // Makes dimension() known, asking the service if it must, and returns it.
    virtual int probe(const CancelToken &cancel)
    {
        Q_UNUSED(cancel);
        return dimension();
    }
};

} // namespace aether
