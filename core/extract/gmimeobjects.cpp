#include "extract/gmimeobjects.h"

#include <mutex>

namespace aether::gmime {

void ensureInitialised()
{
    static std::once_flag once;
    std::call_once(once, [] { g_mime_init(); });
}

Ref<GMimeMessage> parseMessage(const QByteArray &data)
{
    ensureInitialised();
    // The memory stream copies the bytes, so `data` may go away afterwards.
    Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(data.constData(), data.size()));
    Ref<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    return Ref<GMimeMessage>(g_mime_parser_construct_message(parser.get(), nullptr));
}

QByteArray decodedContent(GMimePart *part)
{
    GMimeDataWrapper *content = g_mime_part_get_content(part);
    if (!content)
        return {};
    Ref<GMimeStream> out(g_mime_stream_mem_new());
    g_mime_data_wrapper_write_to_stream(content, out.get());
    GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.get()));
    return QByteArray(reinterpret_cast<const char *>(bytes->data), qsizetype(bytes->len));
}

QByteArray mimeType(GMimeObject *object)
{
    GMimeContentType *type = g_mime_object_get_content_type(object);
    if (!type)
        return QByteArrayLiteral("text/plain");
    char *name = g_mime_content_type_get_mime_type(type);
    const QByteArray result = QByteArray(name).toLower();
    g_free(name);
    return result.contains('/') ? result : QByteArrayLiteral("text/plain");
}

} // namespace aether::gmime
