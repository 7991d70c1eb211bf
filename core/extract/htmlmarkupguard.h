#pragma once

#include <QByteArray>

namespace aether {

// Makes markup safe to hand to gumbo. gumbo 0.10 has two ways to blow up on
// hostile or sloppy pages: its tree building costs time proportional to the
// nesting depth for every tag (100,000 nested <div>s take 15 s), and unclosed
// formatting tags (<b id=1>, <b id=2>, ...) are cloned into every following
// paragraph (48 KB of them become 750 MB of nodes). Text extraction needs
// neither the formatting tags nor more than a few hundred levels, so one
// linear pass drops them.
class HtmlMarkupGuard
{
public:
    // Deeper start tags are dropped (their text stays, flattened into the
    // deepest kept element); real pages stay far below this.
    static constexpr int kMaxDepth = 256;

    // UTF-8 markup in, UTF-8 markup out: b, i, em, strong, font, ... tags
    // removed, <code> stripped of attributes, nesting capped at kMaxDepth.
    static QByteArray prepare(const QByteArray &utf8Html);
};

} // namespace aether
