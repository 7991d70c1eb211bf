#include "extract/htmlmarkupguard.h"

#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

namespace aether {

namespace {

bool isAsciiAlpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

char asciiLower(char c)
{
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

bool isIn(const std::string &name, std::initializer_list<const char *> names)
{
    for (const char *candidate : names) {
        if (name == candidate)
            return true;
    }
    return false;
}

// The HTML formatting elements gumbo reconstructs after every block they were
// left open in; <a> is kept (links matter, and only one <a> is ever active) and
// so is <code> (code blocks matter; without attributes at most three are active).
bool isStrippedFormatting(const std::string &name)
{
    return isIn(
        name, {"b", "big", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"});
}

bool isVoid(const std::string &name)
{
    return isIn(name, {"area",     "base", "basefont", "bgsound", "br",    "col",    "embed",
                       "frame",    "hr",   "image",    "img",     "input", "keygen", "link",
                       "menuitem", "meta", "param",    "source",  "track", "wbr"});
}

// Elements whose content is text up to their end tag, never markup.
bool isRawText(const std::string &name)
{
    return isIn(name,
                {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"});
}

// Start tags that end an open <p> (HTML's "close a p element").
bool closesParagraph(const std::string &name)
{
    return isIn(name,
                {"address", "article", "aside",   "blockquote", "center",     "details", "dialog",
                 "dir",     "div",     "dl",      "fieldset",   "figcaption", "figure",  "footer",
                 "form",    "h1",      "h2",      "h3",         "h4",         "h5",      "h6",
                 "header",  "hgroup",  "hr",      "main",       "menu",       "nav",     "ol",
                 "p",       "pre",     "section", "summary",    "table",      "ul",      "li",
                 "dd",      "dt",      "listing"});
}

// A model of the parser's stack of open elements, good enough to know the
// depth: end tags pop to their element, and the common implied ends (a new
// <li> ends the last one, a <div> ends an open <p>) are followed.
class Scanner
{
public:
    explicit Scanner(const QByteArray &in) : m_in(in) {}

    QByteArray run()
    {
        const qsizetype size = m_in.size();
        qsizetype i = 0;
        while (i < size) {
            const qsizetype lt = m_in.indexOf('<', i);
            if (lt < 0 || lt + 1 >= size)
                break;
            const char next = m_in[lt + 1];
            if (next == '!' || next == '?') {
                i = skipDeclaration(lt);
            } else if (next == '/' && lt + 2 < size && isAsciiAlpha(m_in[lt + 2])) {
                i = endTag(lt);
            } else if (isAsciiAlpha(next)) {
                i = startTag(lt);
            } else {
                i = lt + 1;
            }
        }
        if (!m_rewritten)
            return m_in;
        m_out.append(m_in.constData() + m_copiedUpTo, size - m_copiedUpTo);
        return m_out;
    }

private:
    qsizetype skipDeclaration(qsizetype lt) const
    {
        if (m_in.mid(lt, 4) == "<!--") {
            const qsizetype end = m_in.indexOf("-->", lt + 4);
            return end < 0 ? m_in.size() : end + 3;
        }
        const qsizetype end = m_in.indexOf('>', lt);
        return end < 0 ? m_in.size() : end + 1;
    }

    // Reads a tag name (lower-cased) starting at `from`; returns where it ends.
    qsizetype readName(qsizetype from, std::string &name) const
    {
        qsizetype i = from;
        while (i < m_in.size() && !isSpace(m_in[i]) && m_in[i] != '/' && m_in[i] != '>')
            name += asciiLower(m_in[i++]);
        return i;
    }

    qsizetype endTag(qsizetype lt)
    {
        std::string name;
        const qsizetype nameEnd = readName(lt + 2, name);
        const qsizetype gt = m_in.indexOf('>', nameEnd);
        const qsizetype end = gt < 0 ? m_in.size() : gt + 1;
        if (isStrippedFormatting(name)) {
            replace(lt, end, {});
        } else if (int &skipped = m_skipped[name]; skipped > 0) {
            --skipped; // the end of a start tag dropped for depth
            replace(lt, end, {});
        } else if (m_openCount[name] > 0) {
            while (!m_stack.empty()) {
                const bool found = m_stack.back() == name;
                pop();
                if (found)
                    break;
            }
        }
        return end;
    }

    qsizetype startTag(qsizetype lt)
    {
        std::string name;
        const qsizetype nameEnd = readName(lt + 1, name);
        // Attributes: a quote opens a value only right after "=", so alt=don't is no quote.
        char quote = 0;
        char previous = 0;
        qsizetype i = nameEnd;
        for (; i < m_in.size(); ++i) {
            const char c = m_in[i];
            if (quote) {
                if (c == quote) {
                    quote = 0;
                    previous = c;
                }
            } else if ((c == '"' || c == '\'') && previous == '=') {
                quote = c;
            } else if (c == '>') {
                break;
            } else if (!isSpace(c)) {
                previous = c;
            }
        }
        const qsizetype end = i < m_in.size() ? i + 1 : m_in.size();
        const bool selfClosing = previous == '/';

        if (isStrippedFormatting(name)) {
            replace(lt, end, {});
            return end;
        }
        if (isRawText(name))
            return skipRawText(name, end);
        if (name == "plaintext")
            return m_in.size();
        if (isVoid(name) || (selfClosing && m_foreignDepth > 0))
            return end;
        closeImplied(name);
        if (int(m_stack.size()) >= HtmlMarkupGuard::kMaxDepth) {
            ++m_skipped[name];
            replace(lt, end, {});
            return end;
        }
        if (name == "code" && end - lt > 6)
            replace(lt, end, "<code>");
        push(name);
        return end;
    }

    // Skips past "</name ...>", matching the name in any case.
    qsizetype skipRawText(const std::string &name, qsizetype from) const
    {
        const auto length = qsizetype(name.size());
        for (qsizetype i = m_in.indexOf("</", from); i >= 0; i = m_in.indexOf("</", i + 2)) {
            if (i + 2 + length <= m_in.size() &&
                qstrnicmp(m_in.constData() + i + 2, name.c_str(), length) == 0) {
                const qsizetype gt = m_in.indexOf('>', i);
                return gt < 0 ? m_in.size() : gt + 1;
            }
        }
        return m_in.size();
    }

    void closeImplied(const std::string &name)
    {
        if (closesParagraph(name))
            popToNear({"p"});
        if (name == "li")
            popToNear({"li"});
        else if (name == "dd" || name == "dt")
            popToNear({"dd", "dt"});
        else if (name == "tr")
            popToNear({"tr"});
        else if (name == "td" || name == "th")
            popToNear({"td", "th"});
        else if (name == "option")
            popToNear({"option"});
        else if (name == "thead" || name == "tbody" || name == "tfoot")
            popToNear({"thead", "tbody", "tfoot"});
    }

    // Pops to one of `names` if it is among the top few open elements; deeper
    // matches are behind a list or table boundary the parser would not cross.
    void popToNear(std::initializer_list<const char *> names)
    {
        const auto size = qsizetype(m_stack.size());
        for (qsizetype depth = 0; depth < 4 && depth < size; ++depth) {
            if (isIn(m_stack[size - 1 - depth], names)) {
                for (qsizetype k = 0; k <= depth; ++k)
                    pop();
                return;
            }
        }
    }

    void push(const std::string &name)
    {
        m_stack.push_back(name);
        ++m_openCount[name];
        if (name == "svg" || name == "math")
            ++m_foreignDepth;
    }

    void pop()
    {
        const std::string &name = m_stack.back();
        --m_openCount[name];
        if (name == "svg" || name == "math")
            --m_foreignDepth;
        m_stack.pop_back();
    }

    void replace(qsizetype begin, qsizetype end, const char *with)
    {
        if (!m_rewritten)
            m_out.reserve(m_in.size());
        m_rewritten = true;
        m_out.append(m_in.constData() + m_copiedUpTo, begin - m_copiedUpTo);
        if (with)
            m_out.append(with);
        m_copiedUpTo = end;
    }

    const QByteArray &m_in;
    QByteArray m_out;
    bool m_rewritten = false;
    qsizetype m_copiedUpTo = 0;
    std::vector<std::string> m_stack;
    std::unordered_map<std::string, int> m_openCount;
    std::unordered_map<std::string, int> m_skipped;
    int m_foreignDepth = 0;
};

} // namespace

QByteArray HtmlMarkupGuard::prepare(const QByteArray &utf8Html)
{
    return Scanner(utf8Html).run();
}

} // namespace aether
