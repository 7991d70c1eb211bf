#pragma once

#include <QtGlobal>

namespace aether::test {

// A TCP port on 127.0.0.1 that nothing listens on right now.
quint16 freePort();

} // namespace aether::test
