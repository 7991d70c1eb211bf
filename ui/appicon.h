#pragma once

#include <QIcon>

namespace aether {

// The application icon: resources/icons/aether-ingest.svg when Qt can read
// SVG here, else the same picture painted at the usual icon sizes.
QIcon applicationIcon();

} // namespace aether
