#pragma once

#include "extract/htmlnodestats.h"

#include <vector>

namespace aether {

class CancelToken;
class HtmlDom;

// Finds the page's main content the way readability does: every paragraph
// scores its containers (more for long text and commas, less the further up
// they are), containers are weighted by tag, landmark (article, main,
// role=main, itemprop=articleBody) and class names, and scaled down by their
// link density. The best container wins, together with those of its siblings
// that look like more of the same (a forum's posts, an article split by an ad).
class HtmlMainContent
{
public:
    // The roots of the main content in document order; {dom.body()} when
    // nothing stands out or the winner holds too little of the page's text.
    static std::vector<int> choose(const HtmlDom &dom, const std::vector<bool> &removed,
                                   const std::vector<HtmlNodeStat> &stats,
                                   const CancelToken &cancel);
};

} // namespace aether
