#pragma once

#include "syntheticcorpus.h"

#include <QString>

namespace aether::bench {

struct CorpusShape
{
    int chunks = 10000;
    int chunksPerDocument = 10;
    int documentsPerBatch = 100; // one writeBatch transaction each
};

struct BuildTimes
{
    double seconds = 0;        // wall time of the whole build
    double writeSeconds = 0;   // inside KnowledgeStore::writeBatch
    double prepareSeconds = 0; // making text and vectors (overlaps the writes)
};

// Fills a new KnowledgeStore at `path` (tenant "bench", source "synthetic")
// with the corpus's chunks, embedded with HashEmbedder. The next batch's text
// and vectors are made on a second thread while the current one is written.
BuildTimes buildStore(const QString &path, const SyntheticCorpus &corpus, const CorpusShape &shape);

inline const QString kTenant = QStringLiteral("bench");

} // namespace aether::bench
