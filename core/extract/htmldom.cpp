#include "extract/htmldom.h"

#include "base/cancellation.h"
#include "extract/htmlmarkupguard.h"

#include <utility>

namespace aether {

namespace {

// Checking the token is cheap, but not free: once per batch of nodes.
constexpr int kNodesPerCancelCheck = 4096;

const GumboVector *childrenOf(const GumboNode *node)
{
    if (node->type == GUMBO_NODE_ELEMENT)
        return &node->v.element.children;
    if (node->type == GUMBO_NODE_DOCUMENT)
        return &node->v.document.children;
    return nullptr; // text, comments, and <template> (whose content is inert)
}

} // namespace

HtmlDom::HtmlDom(const QByteArray &utf8Html, const CancelToken &cancel)
{
    const QByteArray markup = HtmlMarkupGuard::prepare(utf8Html);
    cancel.check();
    GumboOptions options = kGumboDefaultOptions;
    options.max_errors = 0; // parse errors are of no use here and cost memory
    m_output = gumbo_parse_with_options(&options, markup.constData(), size_t(markup.size()));
    cancel.check();
    flatten(m_output->root, cancel);
}

HtmlDom::~HtmlDom()
{
    gumbo_destroy_output(&kGumboDefaultOptions, m_output);
}

void HtmlDom::flatten(const GumboNode *rootNode, const CancelToken &cancel)
{
    // Pre-order walk with an explicit stack of (gumbo node, parent index);
    // a node's `end` is set when the walk has passed all its descendants.
    struct Pending
    {
        const GumboNode *node;
        int parent;
    };
    std::vector<Pending> pending{{rootNode, -1}};
    std::vector<int> open; // indices of nodes whose subtree is still being added
    while (!pending.empty()) {
        const Pending next = pending.back();
        pending.pop_back();
        while (!open.empty() && open.back() != next.parent) {
            m_nodes[size_t(open.back())].end = size();
            open.pop_back();
        }
        if (size() % kNodesPerCancelCheck == 0)
            cancel.check();

        HtmlNode node;
        node.gumbo = next.node;
        node.parent = next.parent;
        switch (next.node->type) {
        case GUMBO_NODE_TEXT:
        case GUMBO_NODE_CDATA:
        case GUMBO_NODE_WHITESPACE:
            node.isText = true;
            node.text = QString::fromUtf8(next.node->v.text.text);
            break;
        case GUMBO_NODE_ELEMENT:
        case GUMBO_NODE_TEMPLATE:
            node.tag = next.node->v.element.tag;
            break;
        default:
            continue; // comments
        }
        const int index = size();
        m_nodes.push_back(std::move(node));
        if (m_nodes.back().tag == GUMBO_TAG_BODY && m_body == 0)
            m_body = index;
        if (m_title < 0 && isElement(index, GUMBO_TAG_TITLE) && isHtmlElement(index))
            m_title = index;
        open.push_back(index);
        if (const GumboVector *children = childrenOf(next.node)) {
            for (unsigned int c = children->length; c > 0; --c)
                pending.push_back({static_cast<const GumboNode *>(children->data[c - 1]), index});
        }
    }
    for (const int index : open)
        m_nodes[size_t(index)].end = size();
}

bool HtmlDom::isHtmlElement(int index) const
{
    const HtmlNode &n = node(index);
    return !n.isText && n.gumbo->v.element.tag_namespace == GUMBO_NAMESPACE_HTML;
}

QString HtmlDom::attribute(int index, const char *name) const
{
    const HtmlNode &n = node(index);
    if (n.isText)
        return {};
    const GumboAttribute *attribute = gumbo_get_attribute(&n.gumbo->v.element.attributes, name);
    return attribute ? QString::fromUtf8(attribute->value) : QString();
}

bool HtmlDom::hasAttribute(int index, const char *name) const
{
    const HtmlNode &n = node(index);
    return !n.isText && gumbo_get_attribute(&n.gumbo->v.element.attributes, name) != nullptr;
}

bool HtmlDom::isBlockLevel(GumboTag tag)
{
    switch (tag) {
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_DIR:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_HGROUP:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_HTML:
    case GUMBO_TAG_LEGEND:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_LISTING:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_P:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TH:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_UL:
        return true;
    default:
        return false;
    }
}

QString HtmlDom::collapsedText(int index, const std::vector<bool> *removed) const
{
    QString text;
    for (int i = index; i < node(index).end; ++i) {
        if (removed && (*removed)[size_t(i)])
            i = node(i).end - 1;
        else if (node(i).isText)
            text += node(i).text;
        else if (i != index && node(i).tag == GUMBO_TAG_BR)
            text += u' ';
    }
    text.replace(QChar(0x00A0), u' ');
    return text.simplified();
}

} // namespace aether
