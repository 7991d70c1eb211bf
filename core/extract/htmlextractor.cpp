#include "extract/htmlextractor.h"

#include "extract/htmlboilerplate.h"
#include "extract/htmldom.h"
#include "extract/htmlmaincontent.h"
#include "extract/htmlnodestats.h"
#include "extract/htmltextwriter.h"
#include "extract/textdecoder.h"

#include <QRegularExpression>
#include <QStringList>

#include <algorithm>

namespace aether {

namespace {

QByteArray metaCharset(const QByteArray &head)
{
    // Matches <meta charset="x"> and <meta http-equiv=... content="...; charset=x">.
    static const QRegularExpression re(
        QStringLiteral("<meta[^>]*?charset\\s*=\\s*[\"']?\\s*([A-Za-z0-9._:-]+)"),
        QRegularExpression::CaseInsensitiveOption);
    const auto match = re.match(QString::fromLatin1(head));
    if (!match.hasMatch())
        return {};
    const QByteArray charset = match.captured(1).toLatin1().toLower();
    // A page readable enough to find its <meta> in is not UTF-16; the HTML
    // standard reads such a declaration as UTF-8.
    return charset.startsWith("utf-16") ? QByteArray("utf-8") : charset;
}

// Headings that may name the page, most telling first: h1-h3 in the main
// content, then the other h1 and h2 elements unless they are all link (which
// is how sites mark up their logo).
struct TitleHeadings
{
    QString firstH1;
    QStringList candidates;
};

TitleHeadings titleHeadings(const HtmlDom &dom, const std::vector<bool> &removed,
                            const std::vector<HtmlNodeStat> &stats, const std::vector<int> &roots)
{
    TitleHeadings headings;
    QStringList outsideH1s;
    QStringList outsideH2s;
    for (int i = 0; i < dom.size(); ++i) {
        const HtmlNode &node = dom.node(i);
        if (removed[size_t(i)] || node.isText || !HtmlDom::isHeading(node.tag) ||
            node.tag > GUMBO_TAG_H3)
            continue;
        const int heading = i;
        i = node.end - 1; // headings do not nest
        const QString text = dom.collapsedText(heading, &removed);
        if (text.isEmpty())
            continue;
        if (node.tag == GUMBO_TAG_H1 && headings.firstH1.isEmpty())
            headings.firstH1 = text;
        const bool inContent = std::any_of(roots.begin(), roots.end(),
                                           [&](int root) { return dom.contains(root, heading); });
        const HtmlNodeStat &stat = stats[size_t(heading)];
        if (inContent)
            headings.candidates.append(text);
        else if (stat.linkLength < stat.textLength && node.tag == GUMBO_TAG_H1)
            outsideH1s.append(text);
        else if (stat.linkLength < stat.textLength && node.tag == GUMBO_TAG_H2)
            outsideH2s.append(text);
    }
    headings.candidates += outsideH1s + outsideH2s;
    return headings;
}

// Whether `heading` names the part of `title` that is the page's own: all of
// what stands before or after a separator ("Name – Variant | Shop" for the
// heading "Name – Variant"), or most of one part ("Curry Recipe - Site" for
// the heading "Curry").
bool headingMatchesTitle(const QString &heading, const QString &title,
                         const QList<QRegularExpressionMatch> &separators)
{
    for (const QRegularExpressionMatch &separator : separators) {
        if (title.left(separator.capturedStart()).compare(heading, Qt::CaseInsensitive) == 0 ||
            title.mid(separator.capturedEnd()).compare(heading, Qt::CaseInsensitive) == 0)
            return true;
    }
    qsizetype partStart = 0;
    for (qsizetype k = 0; k <= separators.size(); ++k) {
        const qsizetype partEnd =
            k < separators.size() ? separators[k].capturedStart() : title.size();
        const QStringView part = QStringView(title).mid(partStart, partEnd - partStart);
        if (part.contains(heading, Qt::CaseInsensitive) && heading.size() * 2 >= part.size())
            return true;
        partStart = k < separators.size() ? separators[k].capturedEnd() : title.size();
    }
    return false;
}

// <title> without the site name ("Bake bread | Example Kitchen" -> "Bake
// bread") when a heading confirms which part is the page's own; else <title>
// as it is, or the first h1 when there is no <title>.
QString pageTitle(const HtmlDom &dom, const TitleHeadings &headings)
{
    const QString title =
        dom.titleElement() >= 0 ? dom.collapsedText(dom.titleElement()) : QString();
    if (title.isEmpty())
        return headings.firstH1;
    // " | ", " - ", " — ", " :: ", " » ", and ": " as in "Press release: ...".
    static const QRegularExpression separator(QStringLiteral("\\s+[|/:·»\\-–—]{1,2}\\s+|:\\s+"));
    QList<QRegularExpressionMatch> separators;
    for (auto it = separator.globalMatch(title); it.hasNext();)
        separators.append(it.next());
    if (separators.isEmpty())
        return title;
    for (const QString &heading : headings.candidates) {
        if (headingMatchesTitle(heading, title, separators))
            return heading;
    }
    return title;
}

QList<TextBlock> writeBlocks(const HtmlDom &dom, const std::vector<bool> &removed,
                             const std::vector<HtmlNodeStat> &stats, const std::vector<int> &roots,
                             bool dropLinkLists, const CancelToken &cancel)
{
    HtmlTextWriter writer(dom, removed, stats, dropLinkLists, cancel);
    for (const int root : roots)
        writer.write(root);
    return writer.takeBlocks();
}

bool hasText(const QList<TextBlock> &blocks)
{
    ExtractedDocument document;
    document.blocks = blocks;
    return !document.isEmpty();
}

} // namespace

ExtractedDocument HtmlExtractor::extract(const QByteArray &data, const QString &fileName,
                                         const CancelToken &cancel) const
{
    Q_UNUSED(fileName);
    cancel.check();
    return extractText(decode(data), cancel);
}

QString HtmlExtractor::decode(const QByteArray &bytes, const QString &contentTypeHeader)
{
    QByteArray charset = TextDecoder::charsetFromContentType(contentTypeHeader);
    if (!TextDecoder::supportsCharset(charset) &&
        TextDecoder::bomOf(bytes) == TextDecoder::Bom::None)
        charset = metaCharset(bytes.left(2048));
    return TextDecoder::decode(bytes, charset);
}

namespace {

// Every link of the page, boilerplate included (a crawl follows the menu
// too), at most kMaxLinks of them: a page of a million links is refused no
// memory but yields no more.
void readLinks(const HtmlDom &dom, ExtractedDocument &document)
{
    constexpr int kMaxLinks = 5000;
    for (int i = 0; i < dom.size(); ++i) {
        if (dom.isElement(i, GUMBO_TAG_A)) {
            const QString href = dom.attribute(i, "href").trimmed();
            if (!href.isEmpty() && document.links.size() < kMaxLinks)
                document.links.append(href);
        } else if (dom.isElement(i, GUMBO_TAG_BASE) && document.baseUrl.isEmpty()) {
            document.baseUrl = dom.attribute(i, "href").trimmed();
        } else if (dom.isElement(i, GUMBO_TAG_LINK) && document.canonicalUrl.isEmpty() &&
                   dom.attribute(i, "rel").trimmed().compare(QLatin1String("canonical"),
                                                             Qt::CaseInsensitive) == 0) {
            document.canonicalUrl = dom.attribute(i, "href").trimmed();
        }
    }
}

} // namespace

ExtractedDocument HtmlExtractor::extractText(QStringView html, const CancelToken &cancel)
{
    cancel.check();
    ExtractedDocument document;
    document.kind = QStringLiteral("html");
    const HtmlDom dom(html.toUtf8(), cancel);

    std::vector<bool> removed =
        HtmlBoilerplate::removedNodes(dom, HtmlBoilerplate::Mode::Content, cancel);
    std::vector<HtmlNodeStat> stats = measureHtmlNodes(dom, removed, cancel);
    const std::vector<int> roots = HtmlMainContent::choose(dom, removed, stats, cancel);
    document.title = pageTitle(dom, titleHeadings(dom, removed, stats, roots));
    readLinks(dom, document);
    document.blocks = writeBlocks(dom, removed, stats, roots, true, cancel);

    // A page that is nothing but what the rules call boilerplate (a list of
    // links, a lone form) still has text to offer: the whole visible page.
    if (!hasText(document.blocks))
        document.blocks = writeBlocks(dom, removed, stats, {dom.body()}, false, cancel);
    if (!hasText(document.blocks)) {
        removed = HtmlBoilerplate::removedNodes(dom, HtmlBoilerplate::Mode::Invisible, cancel);
        stats = measureHtmlNodes(dom, removed, cancel);
        document.blocks = writeBlocks(dom, removed, stats, {dom.body()}, false, cancel);
    }
    return document;
}

} // namespace aether
