#pragma once

#include "extract/extractor.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

namespace aether {

// Chooses the extractor for some bytes: content first (magic bytes, BOMs),
// then the declared content type, then the file name. A new format is one new
// Extractor class registered here.
class ExtractorRegistry
{
public:
    ExtractorRegistry(); // registers the standard extractors

    // nullptr when the content is of no supported type (e.g. unknown binary).
    const Extractor *find(const QByteArray &data, const QString &fileName,
                          const QString &contentType = {}) const;

    // find() + extract(); throws IngestError("UnsupportedType", ...) when none fits,
    // JobInterrupted when `cancel` fires during extraction.
    ExtractedDocument extract(const QByteArray &data, const QString &fileName,
                              const QString &contentType = {},
                              const CancelToken &cancel = CancelToken::never()) const;

    static const ExtractorRegistry &standard();

    // The file extensions (lower case, without the dot) a file is taken as a
    // supported format by; a file may also be recognised by its content alone.
    // For file dialogs' filters.
    static QStringList supportedExtensions();

private:
    const Extractor *byKind(const QString &kind) const;
    std::vector<std::unique_ptr<Extractor>> m_extractors;
};

} // namespace aether
