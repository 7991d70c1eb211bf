#pragma once

#include <QByteArray>
#include <QString>
#include <QStringView>

#include <gumbo.h>

#include <vector>

namespace aether {

class CancelToken;

// One element or text run of a parsed page.
struct HtmlNode
{
    const GumboNode *gumbo = nullptr;
    int parent = -1;
    int end = 0; // one past the index of the last descendant
    GumboTag tag = GUMBO_TAG_UNKNOWN;
    bool isText = false;
    QString text; // text runs only, entities already decoded by gumbo
};

// A page parsed by gumbo, flattened into document order (pre-order). The
// subtree of node i is the range [i, end), children follow their parent and
// every later pass is a loop over this array, never a recursion: a deeply
// nested page cannot overflow the stack. Comments are left out; so are
// <template> contents, which are never shown.
class HtmlDom
{
public:
    HtmlDom(const QByteArray &utf8Html, const CancelToken &cancel);
    ~HtmlDom();
    HtmlDom(const HtmlDom &) = delete;
    HtmlDom &operator=(const HtmlDom &) = delete;

    int size() const { return int(m_nodes.size()); }
    const HtmlNode &node(int index) const { return m_nodes[size_t(index)]; }
    int root() const { return 0; } // the <html> element

    bool isElement(int index, GumboTag tag) const
    {
        const HtmlNode &n = node(index);
        return !n.isText && n.tag == tag;
    }
    bool isHtmlElement(int index) const;

    // The attribute's value; empty when it is absent.
    QString attribute(int index, const char *name) const;
    bool hasAttribute(int index, const char *name) const;

    // First child and next sibling in the flat order: for (c = firstChild(i); c >= 0; c =
    // nextSibling(c)).
    int firstChild(int index) const { return index + 1 < node(index).end ? index + 1 : -1; }
    int nextSibling(int index) const
    {
        const HtmlNode &n = node(index);
        return n.parent >= 0 && n.end < node(n.parent).end ? n.end : -1;
    }
    bool contains(int ancestor, int index) const
    {
        return index >= ancestor && index < node(ancestor).end;
    }

    // The <body> element, or the root when the page has none.
    int body() const { return m_body; }
    // The first HTML <title>, or -1.
    int titleElement() const { return m_title; }

    // All text below the node, whitespace collapsed to single spaces; nodes
    // marked in `removed` are left out.
    QString collapsedText(int index, const std::vector<bool> *removed = nullptr) const;

    static bool isHeading(GumboTag tag) { return tag >= GUMBO_TAG_H1 && tag <= GUMBO_TAG_H6; }
    // Elements that start a new block of text; everything else flows inline.
    static bool isBlockLevel(GumboTag tag);

private:
    void flatten(const GumboNode *rootNode, const CancelToken &cancel);

    GumboOutput *m_output = nullptr;
    std::vector<HtmlNode> m_nodes;
    int m_body = 0;
    int m_title = -1;
};

} // namespace aether
