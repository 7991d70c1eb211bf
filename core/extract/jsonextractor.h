#pragma once

#include "extract/extractor.h"

#include <QJsonValue>

namespace aether {

// JSON and JSON Lines as searchable lines: one "key.path: value" line per string,
// number or boolean; array elements add "[]" to their key ("tags[]: red",
// "users[].name: Ada"), not their index. Invalid JSON fails with
// "JsonError: <what the parser says> at offset N".
class JsonExtractor : public Extractor
{
public:
    QString kind() const override { return QStringLiteral("json"); }
    ExtractedDocument extract(const QByteArray &data, const QString &fileName,
                              const CancelToken &cancel) const override;

    // Whether the bytes are a JSON object or array (or JSON Lines of them).
    static bool looksLikeJson(const QByteArray &data);
};

} // namespace aether
