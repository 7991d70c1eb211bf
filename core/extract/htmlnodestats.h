#pragma once

#include <vector>

namespace aether {

class CancelToken;
class HtmlDom;

// Text measures of one node, over the parts of the page that are kept.
struct HtmlNodeStat
{
    int textLength = 0; // whitespace runs count as one character
    int linkLength = 0; // of that, text inside <a>
    int commas = 0;
    // Text that belongs to this block element itself rather than to a block
    // inside it ("<div>loose text<p>para</p></div>" owns "loose text").
    int ownLength = 0;
    int ownLinkLength = 0;
    int ownCommas = 0;
    bool hasBlockChild = false;
    bool hasTableBelow = false;
    int paragraphsBelow = 0; // p, pre, lists, quotes
    bool hasHeadingBelow = false;
    bool isLayoutTable = false; // a <table> used for page layout, not data

    double linkDensity() const { return textLength > 0 ? double(linkLength) / textLength : 0.0; }
};

// One bottom-up pass over the flat DOM; nodes in `removed` count for nothing.
std::vector<HtmlNodeStat> measureHtmlNodes(const HtmlDom &dom, const std::vector<bool> &removed,
                                           const CancelToken &cancel);

} // namespace aether
