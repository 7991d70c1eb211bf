#pragma once

#include "queue/jobhandler.h"
#include "store/knowledgestore.h"
#include "text/embedder.h"

#include <QJsonObject>

namespace aether {

// Re-embeds every chunk of the store with `embedder`, a batch at a time
// (progress reported per batch, the job's token checked between batches).
// The new vectors are staged and swapped in at the end in one transaction, so
// search keeps working meanwhile and an interrupted run leaves the store as it
// was. Returns the job's result.
QJsonObject reindexStore(KnowledgeStore &store, Embedder &embedder, const JobContext &job);

} // namespace aether
