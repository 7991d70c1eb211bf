#pragma once

#include <QByteArray>

namespace aether {

// The standard reason phrase of an HTTP status ("404" -> "Not Found"), for the
// replies we write and for servers that send none (HTTP/2 never does).
QByteArray httpReasonPhrase(int status);

} // namespace aether
