#include "extract/htmlentities.h"

#include "extract/textdecoder.h"

namespace aether {

namespace {

struct NamedEntity
{
    const char16_t *name;
    char16_t value;
};

constexpr NamedEntity kNamedEntities[] = {
    {u"amp", u'&'},     {u"lt", u'<'},      {u"gt", u'>'},      {u"quot", u'"'},
    {u"apos", u'\''},   {u"nbsp", 0x00A0},  {u"copy", 0x00A9},  {u"reg", 0x00AE},
    {u"trade", 0x2122}, {u"mdash", 0x2014}, {u"ndash", 0x2013}, {u"hellip", 0x2026},
    {u"rsquo", 0x2019}, {u"lsquo", 0x2018}, {u"rdquo", 0x201D}, {u"ldquo", 0x201C},
    {u"laquo", 0x00AB}, {u"raquo", 0x00BB}, {u"bull", 0x2022},  {u"middot", 0x00B7},
    {u"euro", 0x20AC},  {u"pound", 0x00A3}, {u"yen", 0x00A5},   {u"cent", 0x00A2},
    {u"sect", 0x00A7},  {u"deg", 0x00B0},   {u"times", 0x00D7}, {u"divide", 0x00F7},
    {u"shy", 0x00AD},   {u"para", 0x00B6},  {u"iexcl", 0x00A1}, {u"iquest", 0x00BF},
};

constexpr char32_t kReplacement = 0xFFFD;

// Numeric references follow the HTML standard: 0x80..0x9F mean Windows-1252,
// and nothing may produce NUL, a surrogate or a value beyond Unicode.
char32_t numericCodePoint(QStringView digits, int base)
{
    bool ok = false;
    const qulonglong value = digits.size() <= 8 ? digits.toULongLong(&ok, base) : 0;
    if (!ok || value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        return kReplacement;
    return TextDecoder::windows1252CodePoint(static_cast<char32_t>(value));
}

// Decodes the reference starting at text[at] == '&'; returns its length, 0 if none.
qsizetype decodeOne(QStringView text, qsizetype at, QString &out)
{
    const qsizetype semicolon = text.indexOf(u';', at + 1);
    if (semicolon < 0 || semicolon - at > 32)
        return 0;
    const QStringView body = text.mid(at + 1, semicolon - at - 1);
    if (body.size() >= 2 && body.front() == u'#') {
        const bool hex = body[1] == u'x' || body[1] == u'X';
        const QStringView digits = body.mid(hex ? 2 : 1);
        if (digits.isEmpty())
            return 0;
        const char32_t codePoint = numericCodePoint(digits, hex ? 16 : 10);
        out += QString::fromUcs4(&codePoint, 1);
        return semicolon - at + 1;
    }
    for (const NamedEntity &entity : kNamedEntities) {
        if (body == QStringView(entity.name)) {
            out += QChar(entity.value);
            return semicolon - at + 1;
        }
    }
    return 0;
}

} // namespace

QString decodeHtmlEntities(QStringView text)
{
    qsizetype amp = text.indexOf(u'&');
    if (amp < 0)
        return text.toString();
    QString out;
    out.reserve(text.size());
    qsizetype done = 0;
    while (amp >= 0) {
        out += text.mid(done, amp - done);
        const qsizetype length = decodeOne(text, amp, out);
        if (length == 0) {
            out += u'&';
            done = amp + 1;
        } else {
            done = amp + length;
        }
        amp = text.indexOf(u'&', done);
    }
    out += text.mid(done);
    return out;
}

} // namespace aether
