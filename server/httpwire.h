#pragma once

#include "server/apireply.h"

#include <QByteArray>

namespace aether {

// The bytes of an HTTP/1.1 response carrying an ApiReply. The server writes
// these itself (QHttpServer 6.4's responder cannot answer after the handler
// returns, and ignores "Connection: close").
QByteArray httpResponseBytes(const ApiReply &reply, bool closeConnection);

} // namespace aether
