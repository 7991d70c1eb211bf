#pragma once

#include "store/documentmetadata.h"

#include <QJsonValue>
#include <QList>
#include <QUrlQuery>

namespace aether {

// A metadata filter as callers give it (search, the documents list): every
// pair must hold. Invalid: ApiError 422 naming the problem.
// POST's `filter`: {"team": "support", "year": 2025}.
QList<metadata::Condition> filterFromBody(const QJsonValue &value);
// GET's `meta.<key>=<value>`, repeatable: values are text, so a number or a
// boolean matches by its text ("2025", "true").
QList<metadata::Condition> filterFromQuery(const QUrlQuery &parameters);

} // namespace aether
