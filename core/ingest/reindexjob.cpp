#include "ingest/reindexjob.h"

#include "base/ingesterror.h"

#include <QElapsedTimer>

namespace aether {

namespace {

constexpr int kChunksPerBatch = 256;

} // namespace

QJsonObject reindexStore(KnowledgeStore &store, Embedder &embedder, const JobContext &job)
{
    QElapsedTimer timer;
    timer.start();
    const QString jobTenant = QString::fromUtf8(job.fields.value("tenant"));
    const QString tenant = jobTenant == QLatin1String(kEveryTenant) ? QString() : jobTenant;
    const EmbedderInfo info{embedder.provider(), embedder.model(), embedder.dimension()};
    // Checked again when the vectors are swapped in; here it saves the embedding.
    if (!tenant.isEmpty() && !store.embedderMismatch().isEmpty())
        throw IngestError(QStringLiteral("EmbedderMismatch"),
                          QStringLiteral("re-indexing one tenant keeps the store's embedder, "
                                         "and %1; only a '*' admin can re-index every tenant")
                              .arg(store.embedderMismatch()));
    const qint64 total = store.chunkCount(tenant);
    store.discardStagedVectors(tenant);
    qint64 done = 0;
    qint64 afterId = 0;
    job.progress("embedding", 0);
    for (;;) {
        job.cancel.check();
        const QList<ChunkText> chunks = store.chunkTexts(afterId, kChunksPerBatch, tenant);
        if (chunks.isEmpty())
            break;
        QList<qint64> ids;
        QStringList texts;
        for (const ChunkText &chunk : chunks) {
            ids.append(chunk.id);
            texts.append(chunk.text);
        }
        store.stageVectors(ids, embedder.embed(texts), tenant);
        done += chunks.size();
        afterId = ids.last();
        job.progress("embedding", int(99 * done / qMax<qint64>(1, total)));
    }
    job.cancel.check();
    store.commitStagedVectors(info, tenant);
    return QJsonObject{{QStringLiteral("ok"), true},
                       {QStringLiteral("tenant"), jobTenant},
                       {QStringLiteral("reindexed_chunks"), done},
                       {QStringLiteral("embedder"), info.provider},
                       {QStringLiteral("model"), info.model},
                       {QStringLiteral("dimension"), info.dimension},
                       {QStringLiteral("latency_ms"), timer.elapsed()}};
}

} // namespace aether
