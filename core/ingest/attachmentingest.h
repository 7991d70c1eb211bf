#pragma once

#include "store/knowledgestore.h"

#include <QJsonArray>
#include <QList>

namespace aether {

// The job result's "attachments" array: each written attachment as
// {name, document_id, kind, chunks} (or {name, error}), then the skipped ones
// as {name, skipped: reason}.
QJsonArray attachmentResults(const QList<DocumentWrite> &written, const QJsonArray &skipped);

} // namespace aether
