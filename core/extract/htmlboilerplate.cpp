#include "extract/htmlboilerplate.h"

#include "base/cancellation.h"
#include "extract/htmldom.h"

#include <QSet>

namespace aether {

namespace {

constexpr int kNodesPerCancelCheck = 4096;

QSet<QString> setOf(std::initializer_list<const char *> items)
{
    QSet<QString> set;
    for (const char *item : items)
        set.insert(QString::fromLatin1(item));
    return set;
}

// Whole words of class, id and aria-label that name something around the
// content. Words, not substrings: "shared-state" or "adapter" must not match
// "share" or "ad".
const QSet<QString> &boilerplateWords()
{
    static const QSet<QString> words = setOf(
        {// consent banners
         "cookie", "cookies", "cookiebanner", "cookienotice", "cookieconsent", "consent", "gdpr",
         // share bars
         "share", "sharing", "sharebar", "sharethis", "socialshare", "addthis", "social",
         // comment sections
         "comment", "comments", "commentlist", "disqus", "respond",
         // related and recommended links
         "related", "recommended", "recommendations", "popular", "trending", "outbrain", "taboola",
         // newsletter boxes
         "newsletter", "subscribe", "subscription", "signup",
         // "Was this page helpful?" boxes
         "feedback",
         // "copy to clipboard" buttons beside code
         "clipboard",
         // sidebars, menus, breadcrumbs, pagination
         "sidebar", "widget", "widgets", "dropdown", "breadcrumb", "breadcrumbs", "menu", "menubar",
         "navbar", "nav", "navigation", "topnav", "subnav", "pagination", "pager", "toc",
         // advertising
         "ad", "ads", "advert", "adverts", "advertisement", "advertising", "sponsored", "promo",
         "banner",
         // site chrome, bylines, tags, pop-ups
         "header", "footer", "masthead", "byline", "tags", "modal", "popup", "overlay",
         // forum chrome around the posts
         "signature", "userinfo", "usermenu", "avatar", "postprofile",
         // MediaWiki chrome
         "editsection", "noprint", "navbox"});
    return words;
}

// Two-word names whose words alone are too common to drop on ("user", "meta").
const QSet<QString> &boilerplatePairs()
{
    static const QSet<QString> pairs =
        setOf({"skip link", "skip to", "jump link", "sr only", "screen reader", "visually hidden",
               "user info", "user menu", "user details", "post meta", "entry meta", "author bio",
               "about author", "author box", "most read", "read more"});
    return pairs;
}

const QSet<QString> &positiveWords()
{
    static const QSet<QString> words =
        setOf({"article", "articlebody", "body", "content", "entry", "hentry", "main", "post",
               "text", "blog", "story", "prose", "document", "markdown"});
    return words;
}

const QSet<QString> &negativeWords()
{
    static const QSet<QString> words =
        setOf({"hidden",  "banner",   "combx",  "comment",  "com",      "contact", "foot",
               "footer",  "footnote", "gdpr",   "masthead", "media",    "meta",    "outbrain",
               "promo",   "related",  "scroll", "share",    "shoutbox", "sidebar", "skyscraper",
               "sponsor", "shopping", "tags",   "tool",     "widget",   "nav",     "menu"});
    return words;
}

bool namesBoilerplate(const QStringList &words)
{
    for (qsizetype i = 0; i < words.size(); ++i) {
        if (boilerplateWords().contains(words[i]))
            return true;
        if (i + 1 < words.size() && boilerplatePairs().contains(words[i] + u' ' + words[i + 1]))
            return true;
    }
    return false;
}

int weightOf(const QStringList &words)
{
    bool positive = false;
    bool negative = false;
    for (const QString &word : words) {
        positive = positive || positiveWords().contains(word);
        negative = negative || negativeWords().contains(word);
    }
    return (positive ? 25 : 0) - (negative ? 25 : 0);
}

bool isOneOf(GumboTag tag, std::initializer_list<GumboTag> tags)
{
    for (const GumboTag candidate : tags) {
        if (tag == candidate)
            return true;
    }
    return false;
}

// Never shown as text, whatever the page.
bool isInvisibleTag(GumboTag tag)
{
    return isOneOf(tag, {GUMBO_TAG_HEAD, GUMBO_TAG_SCRIPT, GUMBO_TAG_STYLE, GUMBO_TAG_NOSCRIPT,
                         GUMBO_TAG_TEMPLATE, GUMBO_TAG_SVG, GUMBO_TAG_IFRAME, GUMBO_TAG_OBJECT,
                         GUMBO_TAG_EMBED, GUMBO_TAG_CANVAS, GUMBO_TAG_AUDIO, GUMBO_TAG_VIDEO,
                         GUMBO_TAG_NOEMBED, GUMBO_TAG_NOFRAMES, GUMBO_TAG_SELECT,
                         GUMBO_TAG_TEXTAREA, GUMBO_TAG_BUTTON, GUMBO_TAG_MAP});
}

bool isHiddenByAttributes(const HtmlDom &dom, int index)
{
    if (dom.hasAttribute(index, "hidden"))
        return true;
    if (dom.attribute(index, "aria-hidden").trimmed().compare(u"true", Qt::CaseInsensitive) == 0)
        return true;
    QString style = dom.attribute(index, "style").toLower();
    if (style.isEmpty())
        return false;
    style.remove(u' ');
    return style.contains(u"display:none") || style.contains(u"visibility:hidden");
}

bool isDroppedRole(const QString &role)
{
    static const QSet<QString> roles =
        setOf({"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar",
               "dialog", "alertdialog", "toolbar"});
    return roles.contains(role.trimmed().toLower());
}

// The page's own mark of its main content.
bool isMainLandmark(const HtmlDom &dom, int index)
{
    return dom.node(index).tag == GUMBO_TAG_MAIN ||
           dom.attribute(index, "role").trimmed().compare(u"main", Qt::CaseInsensitive) == 0 ||
           dom.attribute(index, "itemprop").contains(u"articleBody", Qt::CaseInsensitive);
}

bool isArticleLike(const HtmlDom &dom, int index)
{
    return dom.node(index).tag == GUMBO_TAG_ARTICLE || isMainLandmark(dom, index);
}

bool hasLetterOrDigit(QStringView text)
{
    for (const QChar ch : text) {
        if (ch.isLetterOrNumber())
            return true;
    }
    return false;
}

qsizetype visibleLength(QStringView text)
{
    qsizetype length = 0;
    for (const QChar ch : text)
        length += ch.isSpace() ? 0 : 1;
    return length;
}

} // namespace

QStringList HtmlBoilerplate::words(const QString &names)
{
    QStringList result;
    QString word;
    QChar previous;
    for (const QChar ch : names) {
        const bool hump = ch.isUpper() && previous.isLower();
        if (!ch.isLetterOrNumber() || hump) {
            if (!word.isEmpty())
                result.append(word);
            word.clear();
        }
        if (ch.isLetterOrNumber())
            word += ch.toLower();
        previous = ch;
    }
    if (!word.isEmpty())
        result.append(word);
    return result;
}

int HtmlBoilerplate::classWeight(const HtmlDom &dom, int index)
{
    return weightOf(words(dom.attribute(index, "class"))) +
           weightOf(words(dom.attribute(index, "id")));
}

std::vector<bool> HtmlBoilerplate::removedNodes(const HtmlDom &dom, Mode mode,
                                                const CancelToken &cancel)
{
    const int count = dom.size();
    std::vector<bool> removed(size_t(count), false);
    // Pass 1, top-down: what is not shown.
    for (int i = 0; i < count; ++i) {
        if (i % kNodesPerCancelCheck == 0)
            cancel.check();
        const HtmlNode &node = dom.node(i);
        const bool exempt = node.tag == GUMBO_TAG_HTML || node.tag == GUMBO_TAG_BODY;
        removed[size_t(i)] = (node.parent >= 0 && removed[size_t(node.parent)]) ||
                             (!node.isText && (isInvisibleTag(node.tag) ||
                                               (!exempt && isHiddenByAttributes(dom, i))));
    }
    if (mode == Mode::Invisible)
        return removed;

    // Pass 2, bottom-up: visible text length, letters, main landmarks and h1s
    // below each node. An element holding the content's landmark or title is
    // never dropped for its class name, so "layout-with-sidebar" around the
    // article survives.
    std::vector<qsizetype> textLength(size_t(count), 0);
    std::vector<bool> holdsMain(size_t(count), false);
    std::vector<bool> holdsH1(size_t(count), false);
    std::vector<bool> hasText(size_t(count), false);
    for (int i = count - 1; i >= 0; --i) {
        if (removed[size_t(i)])
            continue;
        const HtmlNode &node = dom.node(i);
        if (node.isText) {
            textLength[size_t(i)] = visibleLength(node.text);
            hasText[size_t(i)] = hasLetterOrDigit(node.text);
        } else {
            holdsMain[size_t(i)] = holdsMain[size_t(i)] || isMainLandmark(dom, i);
            holdsH1[size_t(i)] = holdsH1[size_t(i)] || node.tag == GUMBO_TAG_H1;
        }
        if (node.parent >= 0) {
            const auto parent = size_t(node.parent);
            textLength[parent] += textLength[size_t(i)];
            holdsMain[parent] = holdsMain[parent] || holdsMain[size_t(i)];
            holdsH1[parent] = holdsH1[parent] || holdsH1[size_t(i)];
            hasText[parent] = hasText[parent] || hasText[size_t(i)];
        }
    }

    // Pass 3, top-down: the boilerplate around the content.
    const qsizetype pageText = textLength[size_t(dom.body())];
    std::vector<bool> inArticle(size_t(count), false);
    for (int i = 0; i < count; ++i) {
        if (i % kNodesPerCancelCheck == 0)
            cancel.check();
        const HtmlNode &node = dom.node(i);
        if (node.parent >= 0) {
            const auto parent = size_t(node.parent);
            removed[size_t(i)] = removed[size_t(i)] || removed[parent];
            inArticle[size_t(i)] = inArticle[parent] || isArticleLike(dom, node.parent);
        }
        if (removed[size_t(i)] || node.isText)
            continue;
        const auto at = size_t(i);
        bool drop = false;
        switch (node.tag) {
        case GUMBO_TAG_NAV:
        case GUMBO_TAG_ASIDE:
        case GUMBO_TAG_FOOTER:
        case GUMBO_TAG_INPUT:
        case GUMBO_TAG_LABEL:
            drop = true;
            break;
        case GUMBO_TAG_HEADER:
            // An article's own header holds its title; the page's header does not.
            drop = !inArticle[at] && !holdsMain[at];
            break;
        case GUMBO_TAG_FORM:
            // Some sites wrap the whole page in one <form>.
            drop = !holdsMain[at] && textLength[at] * 2 < pageText;
            break;
        case GUMBO_TAG_A:
            // Permalink markers such as the "¶" after a heading.
            drop = !hasText[at] && dom.attribute(i, "href").startsWith(u'#');
            break;
        default:
            break;
        }
        const bool pageLevel = node.tag == GUMBO_TAG_HTML || node.tag == GUMBO_TAG_BODY;
        if (!drop && !pageLevel && !holdsMain[at]) {
            // A role is the page's explicit word; a name is only a hint, and
            // on a heading it names a style ("recipe-header"), not a region.
            drop = isDroppedRole(dom.attribute(i, "role")) ||
                   (!holdsH1[at] && !HtmlDom::isHeading(node.tag) &&
                    (namesBoilerplate(words(dom.attribute(i, "class"))) ||
                     namesBoilerplate(words(dom.attribute(i, "id"))) ||
                     namesBoilerplate(words(dom.attribute(i, "aria-label")))));
        }
        removed[at] = drop;
    }
    return removed;
}

} // namespace aether
