#include "text/snowballstemmer.h"

#include <libstemmer.h>
#include <stdexcept>

namespace aether {

SnowballStemmer::SnowballStemmer(const char *algorithm)
    : m_stemmer(sb_stemmer_new(algorithm, "UTF_8"))
{
    if (!m_stemmer)
        throw std::invalid_argument(std::string("no Snowball stemmer named ") + algorithm);
}

SnowballStemmer::~SnowballStemmer() = default;

void SnowballStemmer::Deleter::operator()(sb_stemmer *stemmer) const
{
    sb_stemmer_delete(stemmer);
}

QString SnowballStemmer::stem(QStringView word) const
{
    const QByteArray utf8 = word.toUtf8();
    const sb_symbol *stemmed = sb_stemmer_stem(
        m_stemmer.get(), reinterpret_cast<const sb_symbol *>(utf8.constData()), int(utf8.size()));
    if (!stemmed) // out of memory: the word unstemmed still matches itself
        return word.toString();
    return QString::fromUtf8(reinterpret_cast<const char *>(stemmed),
                             sb_stemmer_length(m_stemmer.get()));
}

std::string_view SnowballStemmer::stemUtf8(std::string_view word) const
{
    const sb_symbol *stemmed = sb_stemmer_stem(
        m_stemmer.get(), reinterpret_cast<const sb_symbol *>(word.data()), int(word.size()));
    if (!stemmed)
        return word;
    return {reinterpret_cast<const char *>(stemmed), size_t(sb_stemmer_length(m_stemmer.get()))};
}

} // namespace aether
