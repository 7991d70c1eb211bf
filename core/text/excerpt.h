#pragma once

#include <QString>

namespace aether {

// The first `words` words of a text on one line, with " …" when there is more
// (at most kMaxExcerptChars characters): how a text job is named in the job
// table, the API and RQ's job description.
QString firstWords(const QString &text, int words = 8);

inline constexpr int kMaxExcerptChars = 80;

} // namespace aether
