#pragma once

#include <QByteArray>
#include <QString>

#include <gmime/gmime.h>

#include <memory>

namespace aether::gmime {

// g_mime_init() once per process: it sets up GMime's global charset and
// parser tables and is not safe to run twice or concurrently (GMime docs,
// "Initialization"). After it, parsing is safe on several worker threads at
// once as long as each call has its own GMimeStream, GMimeParser and message
// objects, which is how core/extract/emlextractor.cpp uses them.
void ensureInitialised();

struct ObjectUnref
{
    void operator()(gpointer object) const
    {
        if (object)
            g_object_unref(object);
    }
};
template<typename T> using Ref = std::unique_ptr<T, ObjectUnref>;

// The message in `data`, or null when GMime finds none.
Ref<GMimeMessage> parseMessage(const QByteArray &data);

// A leaf part's content with base64 or quoted-printable undone.
QByteArray decodedContent(GMimePart *part);

// "text/plain", lower case; text/plain when the part declares none.
QByteArray mimeType(GMimeObject *object);

// A UTF-8 C string GMime returns (may be null) as QString.
inline QString text(const char *utf8)
{
    return utf8 ? QString::fromUtf8(utf8) : QString();
}

} // namespace aether::gmime
