#include "corpusstore.h"

#include "store/knowledgestore.h"
#include "text/hashembedder.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <algorithm>
#include <future>
#include <memory>
#include <stdexcept>
#include <vector>

namespace aether::bench {

namespace {

struct Batch
{
    std::vector<std::unique_ptr<DocumentWrite>> writes;
    double prepareSeconds = 0;
};

Batch prepareBatch(const SyntheticCorpus &corpus, const CorpusShape &shape, int firstDocument)
{
    QElapsedTimer timer;
    timer.start();
    Batch batch;
    const int documents = (shape.chunks + shape.chunksPerDocument - 1) / shape.chunksPerDocument;
    const int lastDocument = std::min(documents, firstDocument + shape.documentsPerBatch);
    for (int document = firstDocument; document < lastDocument; ++document) {
        auto write = std::make_unique<DocumentWrite>();
        const int chunks =
            std::min(shape.chunksPerDocument, shape.chunks - document * shape.chunksPerDocument);
        QCryptographicHash hash(QCryptographicHash::Sha256);
        qsizetype offset = 0;
        for (int i = 0; i < chunks; ++i) {
            Chunk chunk;
            chunk.text = corpus.chunkText(document, i);
            chunk.start = offset;
            chunk.end = offset += chunk.text.size();
            hash.addData(chunk.text.toUtf8());
            write->vectors.append(HashEmbedder::embedOne(chunk.text));
            write->chunks.append(std::move(chunk));
        }
        DocumentRecord &record = write->document;
        record.jobId = QStringLiteral("bench-%1").arg(document);
        record.tenant = kTenant;
        record.source = QStringLiteral("synthetic");
        record.kind = QStringLiteral("text");
        record.fileName = QStringLiteral("document-%1.txt").arg(document);
        record.title = QStringLiteral("Document %1").arg(document);
        record.contentHash = QString::fromLatin1(hash.result().toHex());
        record.sizeBytes = offset;
        record.textChars = offset;
        batch.writes.push_back(std::move(write));
    }
    batch.prepareSeconds = double(timer.nsecsElapsed()) / 1e9;
    return batch;
}

} // namespace

BuildTimes buildStore(const QString &path, const SyntheticCorpus &corpus, const CorpusShape &shape)
{
    QElapsedTimer total;
    total.start();
    const HashEmbedder embedder;
    KnowledgeStore store(path);
    store.open(EmbedderInfo{embedder.provider(), embedder.model(), embedder.dimension()});
    BuildTimes times;
    const int documents = (shape.chunks + shape.chunksPerDocument - 1) / shape.chunksPerDocument;
    auto pending = std::async(std::launch::async, prepareBatch, std::cref(corpus), shape, 0);
    for (int first = 0; first < documents; first += shape.documentsPerBatch) {
        Batch batch = pending.get();
        times.prepareSeconds += batch.prepareSeconds;
        if (first + shape.documentsPerBatch < documents)
            pending = std::async(std::launch::async, prepareBatch, std::cref(corpus), shape,
                                 first + shape.documentsPerBatch);
        QList<DocumentWrite *> writes;
        for (const auto &write : batch.writes)
            writes.append(write.get());
        QElapsedTimer writing;
        writing.start();
        store.writeBatch(writes);
        times.writeSeconds += double(writing.nsecsElapsed()) / 1e9;
        for (const DocumentWrite *write : writes) {
            if (write->error)
                std::rethrow_exception(write->error);
        }
    }
    times.seconds = double(total.nsecsElapsed()) / 1e9;
    return times;
}

} // namespace aether::bench
