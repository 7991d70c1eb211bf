#include "extract/jsonextractor.h"

#include "base/ingesterror.h"
#include "extract/documentbuilder.h"
#include "extract/textdecoder.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QVariant>

#include <optional>

namespace aether {

namespace {

// Deeper documents are refused by the parser anyway; this keeps recursion bounded.
constexpr int kMaxDepth = 512;

QByteArray asUtf8(const QByteArray &data)
{
    if (TextDecoder::bomOf(data) == TextDecoder::Bom::None && TextDecoder::isValidUtf8(data))
        return data;
    return TextDecoder::decode(data).toUtf8();
}

QString scalarText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return value.toVariant().toString(); // integers stay integers, 0.1 stays 0.1
    default:
        return {};
    }
}

class JsonWalker
{
public:
    explicit JsonWalker(DocumentBuilder &out) : m_out(out) {}

    void walk(const QJsonValue &value, const QString &path, int depth = 0)
    {
        if (depth > kMaxDepth)
            return;
        if (value.isObject()) {
            const QJsonObject object = value.toObject();
            for (auto it = object.constBegin(); it != object.constEnd(); ++it)
                walk(it.value(), path.isEmpty() ? it.key() : path + u'.' + it.key(), depth + 1);
        } else if (value.isArray()) {
            // The elements of a top-level array are records: no "[]" prefix for them.
            const QString elementPath = path.isEmpty() && depth == 0 ? path : path + u"[]";
            const QJsonArray array = value.toArray();
            for (const QJsonValue &element : array)
                walk(element, elementPath, depth + 1);
        } else if (const QString text = scalarText(value).trimmed(); !text.isEmpty()) {
            m_out.addLine(path.isEmpty() ? text : path + QStringLiteral(": ") + text);
        }
    }

private:
    DocumentBuilder &m_out;
};

// QJsonDocument holds objects and arrays only; a bare scalar is parsed inside [ ].
std::optional<QJsonValue> parseValue(const QByteArray &json, QJsonParseError &error)
{
    const QByteArray trimmed = json.trimmed();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
        const QJsonDocument document = QJsonDocument::fromJson(json, &error);
        if (error.error != QJsonParseError::NoError)
            return std::nullopt;
        return document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array());
    }
    QByteArray wrapped = "[";
    wrapped.append(json).append(']');
    const QJsonDocument document = QJsonDocument::fromJson(wrapped, &error);
    if (error.error != QJsonParseError::NoError) {
        error.offset = qMax(0, error.offset - 1);
        return std::nullopt;
    }
    return document.array().at(0);
}

[[noreturn]] void failParse(const QJsonParseError &error, qsizetype offset, qsizetype line = 0)
{
    QString message = QStringLiteral("%1 at offset %2").arg(error.errorString()).arg(offset);
    if (line > 0)
        message += QStringLiteral(" (line %1)").arg(line);
    throw IngestError(QStringLiteral("JsonError"), message);
}

bool isJsonLinesName(const QString &fileName)
{
    const QString suffix = QFileInfo(fileName).suffix().toLower();
    return suffix == u"jsonl" || suffix == u"ndjson";
}

// JSON Lines: each non-blank line one document; the records get their own blocks.
void walkLines(const QByteArray &json, DocumentBuilder &out, const CancelToken &cancel)
{
    JsonWalker walker(out);
    qsizetype start = 0;
    for (qsizetype line = 1; start < json.size(); ++line) {
        qsizetype end = json.indexOf('\n', start);
        if (end < 0)
            end = json.size();
        const QByteArray text = json.mid(start, end - start);
        if (!text.trimmed().isEmpty()) {
            if (line % 100 == 0)
                cancel.check();
            QJsonParseError error{};
            const std::optional<QJsonValue> value = parseValue(text, error);
            if (!value)
                failParse(error, start + error.offset, line);
            walker.walk(*value, QString());
            out.endLines();
        }
        start = end + 1;
    }
}

// Two or more lines that are each an object or array: JSON Lines.
bool isJsonLines(const QByteArray &json)
{
    int documents = 0;
    for (qsizetype start = 0; start < json.size();) {
        qsizetype end = json.indexOf('\n', start);
        if (end < 0)
            end = json.size();
        const QByteArray line = json.mid(start, end - start).trimmed();
        start = end + 1;
        if (line.isEmpty())
            continue;
        QJsonParseError error{};
        if (!(line.startsWith('{') || line.startsWith('[')) || !parseValue(line, error))
            return false;
        if (++documents >= 2)
            return true;
    }
    return false;
}

} // namespace

ExtractedDocument JsonExtractor::extract(const QByteArray &data, const QString &fileName,
                                         const CancelToken &cancel) const
{
    cancel.check();
    const QByteArray json = asUtf8(data);
    DocumentBuilder out(kind(), cancel);
    if (isJsonLinesName(fileName)) {
        walkLines(json, out, cancel);
        return out.take();
    }
    QJsonParseError error{};
    const std::optional<QJsonValue> value = parseValue(json, error);
    if (!value) {
        // Lines of JSON under a .json name or no name: read as JSON Lines.
        if (error.error == QJsonParseError::GarbageAtEnd && isJsonLines(json)) {
            walkLines(json, out, cancel);
            return out.take();
        }
        failParse(error, error.offset);
    }
    cancel.check();
    JsonWalker(out).walk(*value, QString());
    return out.take();
}

bool JsonExtractor::looksLikeJson(const QByteArray &data)
{
    const QByteArray json = asUtf8(data).trimmed();
    if (!(json.startsWith('{') || json.startsWith('[')))
        return false;
    QJsonParseError error{};
    if (parseValue(json, error))
        return true;
    return error.error == QJsonParseError::GarbageAtEnd && isJsonLines(json);
}

} // namespace aether
