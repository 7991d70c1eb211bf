#pragma once

#include "config/settings.h"

namespace aether {

// Runs like aether-ingestd (no window) until SIGINT/SIGTERM; needs a
// QCoreApplication. Returns the exit code.
int runHeadless(const Settings &settings, const QString &programName);

} // namespace aether
