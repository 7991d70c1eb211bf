#pragma once

#include "queue/jobhandler.h"
#include "store/knowledgestore.h"
#include "text/embedder.h"

#include <QJsonObject>

namespace aether {

// The tenant of a re-index job that re-embeds every tenant (no tenant may be
// named "*": it is the any-tenant mark of API_KEYS).
inline constexpr char kEveryTenant[] = "*";
// A whole store re-embedded with a remote model may take hours.
inline constexpr int kReindexTimeoutSec = 86400;

// Re-embeds the chunks of the job's tenant, or of every tenant when the job's
// tenant is kEveryTenant, with `embedder`, a batch at a time (progress
// reported per batch, the job's token checked between batches). The new
// vectors are staged and swapped in at the end in one transaction, so search
// keeps working meanwhile and an interrupted run leaves the store as it was.
// Only a re-index of every tenant may change the store's embedder: one
// tenant's fails (EmbedderMismatch) when the store was made with another.
// Returns the job's result.
QJsonObject reindexStore(KnowledgeStore &store, Embedder &embedder, const JobContext &job);

} // namespace aether
