#pragma once

#include <QJsonObject>
#include <QString>
#include <QUrl>
#include <functional>

namespace aether {

// How the Documents tab names and describes one document of
// GET /knowledge/documents, and where its source can be opened.

// Its title, else its file name or URL, else "(untitled text)".
QString documentName(const QJsonObject &document);

// One line: type, source, size, chunks, when it was added, file name or URL.
QString documentMetadataLine(const QJsonObject &document);
// The document's own metadata as "key: value" pairs ("team: support · year:
// 2025"), keys in order; empty when it has none.
QString documentOwnMetadata(const QJsonObject &document);

// Finds the local path of an uploaded file by its name ("" when unknown).
using LocalFileLookup = std::function<QString(const QString &fileName)>;

// What "Open source" opens: the document's http(s) URL, or its file when this
// window sent it (`lookup`). Never a path the document's fields name: any
// local process with an editor key can write those, and opening a planted
// launcher or script would run it. Invalid, with `whyNot` saying why for the
// button's tooltip, when there is nothing to open.
QUrl sourceLocation(const QJsonObject &document, const LocalFileLookup &lookup, QString *whyNot);

// Whether a local file may be handed to the desktop to open: an existing,
// non-executable file of a type Aether Ingest reads (a document, not a program).
bool isOpenableDocument(const QString &path);

} // namespace aether
