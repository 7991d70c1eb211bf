#include "ingest/reindexjob.h"

#include <QElapsedTimer>

namespace aether {

namespace {

constexpr int kChunksPerBatch = 256;

} // namespace

QJsonObject reindexStore(KnowledgeStore &store, Embedder &embedder, const JobContext &job)
{
    QElapsedTimer timer;
    timer.start();
    const qint64 total = store.chunkCount();
    store.discardStagedVectors();
    qint64 done = 0;
    qint64 afterId = 0;
    job.progress("embedding", 0);
    for (;;) {
        job.cancel.check();
        const QList<ChunkText> chunks = store.chunkTexts(afterId, kChunksPerBatch);
        if (chunks.isEmpty())
            break;
        QList<qint64> ids;
        QStringList texts;
        for (const ChunkText &chunk : chunks) {
            ids.append(chunk.id);
            texts.append(chunk.text);
        }
        store.stageVectors(ids, embedder.embed(texts));
        done += chunks.size();
        afterId = ids.last();
        job.progress("embedding", int(99 * done / qMax<qint64>(1, total)));
    }
    job.cancel.check();
    const EmbedderInfo info{embedder.provider(), embedder.model(), embedder.dimension()};
    store.commitStagedVectors(info);
    return QJsonObject{{QStringLiteral("ok"), true},
                       {QStringLiteral("reindexed_chunks"), done},
                       {QStringLiteral("embedder"), info.provider},
                       {QStringLiteral("model"), info.model},
                       {QStringLiteral("dimension"), info.dimension},
                       {QStringLiteral("latency_ms"), timer.elapsed()}};
}

} // namespace aether
