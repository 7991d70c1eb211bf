#pragma once

#include "embed/embedderconfig.h"
#include "text/embedder.h"

#include <QStringList>
#include <memory>

namespace aether {

struct Settings;

// The EMBED_* settings as an embedder configuration.
EmbedderConfig embedderConfig(const Settings &settings);

// The providers createEmbedder() knows: "hash", "openai", "ollama".
QStringList embedProviders();

// Builds the configured embedder; it asks nothing of the service yet (call
// probe() to learn the dimension). Throws std::invalid_argument with a message
// for the user when the configuration cannot work: an unknown provider, openai
// without a model, a base URL that is not http(s), a batch size below 1.
std::unique_ptr<Embedder> createEmbedder(const EmbedderConfig &config);

} // namespace aether
