#pragma once

#include <QByteArray>
#include <QString>

namespace aether {

// A file attached to an e-mail, its transfer encoding undone: the ingest
// (core/ingest/ingestjobhandler.cpp) decides whether it becomes a document of
// its own, so core/extract does not have to know the extractor registry here.
struct EmailAttachment
{
    QString fileName;    // the Content-Disposition or Content-Type name; may be empty
    QString contentType; // "application/pdf", lower case
    QByteArray data;
};

} // namespace aether
