#pragma once

#include <QString>
#include <string_view>

namespace aether {

// English words that say nothing about a topic ("how", "do", "the", ...).
// The hash embedder leaves them out of its features and keyword search out of
// its query: they match nearly every passage, which costs time and tells nothing.
bool isStopWord(const QString &lowerCaseWord);
// The same for a lower-case ASCII word, without making a QString.
bool isStopWord(std::string_view lowerCaseAsciiWord);

} // namespace aether
