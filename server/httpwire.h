#pragma once

#include "server/apireply.h"

#include <QByteArray>

namespace aether {

// The bytes of an HTTP/1.1 response carrying an ApiReply. The server writes
// these itself (QHttpServer 6.4's responder cannot answer after the handler
// returns, and ignores "Connection: close"). `withoutBody`: the answer to a
// HEAD request, whose headers (Content-Length included) are those of the GET.
QByteArray httpResponseBytes(const ApiReply &reply, bool closeConnection, bool withoutBody = false);

// The reason phrase the server writes after a status ("421 Misdirected Request").
QByteArray serverReasonPhrase(int status);

} // namespace aether
