#pragma once

#include <QStringList>

#include <vector>

namespace aether {

class CancelToken;
class HtmlDom;

// Which parts of a page are never its content: what is not shown (scripts,
// styles, hidden elements) and, in Content mode, what every site wraps around
// its content (navigation, headers and footers, forms, cookie banners, share
// bars, comment sections, related links, sidebars, ads, ...), recognised by
// tag, ARIA role, and whole words of class, id and aria-label.
class HtmlBoilerplate
{
public:
    enum class Mode
    {
        Invisible, // only what a browser would not show
        Content    // also everything around the content
    };

    // removed[i]: node i and its subtree are left out.
    static std::vector<bool> removedNodes(const HtmlDom &dom, Mode mode, const CancelToken &cancel);

    // Readability's class weight: +25 when class or id names content
    // ("article-body", "post"), -25 when they name boilerplate ("meta", "widget"),
    // for each of the two attributes.
    static int classWeight(const HtmlDom &dom, int index);

    // "shareBar main_menu" -> {"share", "bar", "main", "menu"}: lower-case words
    // split at non-letters and at camelCase humps.
    static QStringList words(const QString &names);
};

} // namespace aether
