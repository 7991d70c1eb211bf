#include "crawl/crawlrules.h"

#include <QRegularExpression>
#include <QXmlStreamReader>

namespace aether::crawl {

namespace {

// RFC 3986 5.2.4 (remove_dot_segments): "/a/./b/../c" -> "/a/c". Written out
// as QUrl::NormalizePathSegments leaves "/a//c" for that path in Qt 6.4.
QString withoutDotSegments(const QString &path)
{
    const QStringList segments = path.split(QLatin1Char('/'));
    QStringList kept;
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const QString &segment = segments[i];
        const bool last = i == segments.size() - 1;
        if (segment == QLatin1String("..")) {
            if (kept.size() > 1)
                kept.removeLast();
            if (last)
                kept.append(QString());
        } else if (segment == QLatin1String(".")) {
            if (last)
                kept.append(QString());
        } else {
            kept.append(segment);
        }
    }
    return kept.join(QLatin1Char('/'));
}

} // namespace

QUrl canonicalUrl(const QUrl &url)
{
    if (!url.isValid())
        return {};
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https"))
        return {};
    QUrl canonical = url.adjusted(QUrl::RemoveFragment | QUrl::RemoveUserInfo);
    canonical.setPath(withoutDotSegments(canonical.path()));
    canonical.setScheme(scheme);
    canonical.setHost(url.host().toLower());
    const int defaultPort = scheme == QLatin1String("http") ? 80 : 443;
    if (canonical.port() == defaultPort)
        canonical.setPort(-1);
    if (canonical.path().isEmpty())
        canonical.setPath(QStringLiteral("/"));
    return canonical;
}

bool sameSite(const QUrl &a, const QUrl &b)
{
    const QUrl left = canonicalUrl(a);
    const QUrl right = canonicalUrl(b);
    return !left.isEmpty() && left.scheme() == right.scheme() && left.host() == right.host() &&
           left.port() == right.port();
}

// "*" matches across "/" here ("/docs/*" holds "/docs/a/b"), which Qt 6.4's
// wildcardToRegularExpression does not offer, hence the conversion by hand.
bool matchesAny(const QStringList &globs, const QString &path)
{
    for (const QString &glob : globs) {
        QString expression = QRegularExpression::escape(glob);
        expression.replace(QLatin1String("\\*"), QLatin1String(".*"));
        expression.replace(QLatin1String("\\?"), QLatin1String("."));
        if (QRegularExpression(QRegularExpression::anchoredPattern(expression))
                .match(path)
                .hasMatch())
            return true;
    }
    return false;
}

namespace {

// Lines of robots.txt as (field, value), comments and blanks dropped.
QList<QPair<QString, QString>> robotsLines(const QByteArray &text)
{
    QList<QPair<QString, QString>> lines;
    for (const QByteArray &raw : text.split('\n')) {
        QString line = QString::fromUtf8(raw);
        line = line.left(line.indexOf(QLatin1Char('#')) < 0 ? line.size()
                                                            : line.indexOf(QLatin1Char('#')))
                   .trimmed();
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        if (colon <= 0)
            continue;
        lines.append({line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed()});
    }
    return lines;
}

} // namespace

RobotsRules RobotsRules::parse(const QByteArray &text)
{
    // Groups: consecutive user-agent lines, then their rules. Ours wins over "*".
    RobotsRules ours;
    RobotsRules anyone;
    bool foundOurs = false;
    bool inOurs = false;
    bool inAnyone = false;
    bool readingAgents = false;
    RobotsRules sitemaps;
    for (const auto &[field, value] : robotsLines(text)) {
        if (field == QLatin1String("user-agent")) {
            if (!readingAgents)
                inOurs = inAnyone = false;
            readingAgents = true;
            const QString agent = value.toLower();
            if (agent.contains(QLatin1String(kProductToken))) {
                inOurs = true;
                foundOurs = true;
            } else if (agent == QLatin1String("*")) {
                inAnyone = true;
            }
            continue;
        }
        readingAgents = false;
        if (field == QLatin1String("sitemap")) {
            sitemaps.m_sitemaps.append(value);
            continue;
        }
        for (RobotsRules *group : {inOurs ? &ours : nullptr, inAnyone ? &anyone : nullptr}) {
            if (!group)
                continue;
            if (field == QLatin1String("allow") || field == QLatin1String("disallow")) {
                if (!value.isEmpty()) // "Disallow:" with nothing allows all
                    group->m_rules.append({field == QLatin1String("allow"), value});
            } else if (field == QLatin1String("crawl-delay")) {
                group->m_crawlDelayMs = int(qBound(0.0, value.toDouble(), 60.0) * 1000);
            }
        }
    }
    RobotsRules rules = foundOurs ? ours : anyone;
    rules.m_sitemaps = sitemaps.m_sitemaps;
    return rules;
}

bool RobotsRules::matches(const QString &pattern, const QString &path)
{
    QString expression = QRegularExpression::escape(pattern);
    expression.replace(QLatin1String("\\*"), QLatin1String(".*"));
    if (expression.endsWith(QLatin1String("\\$")))
        expression = expression.left(expression.size() - 2) + QLatin1Char('$');
    return QRegularExpression(QLatin1Char('^') + expression).match(path).hasMatch();
}

bool RobotsRules::allows(const QString &pathAndQuery) const
{
    qsizetype longest = -1;
    bool allowed = true;
    for (const Rule &rule : m_rules) {
        if (!matches(rule.pattern, pathAndQuery))
            continue;
        if (rule.pattern.size() > longest || (rule.pattern.size() == longest && rule.allow)) {
            longest = rule.pattern.size();
            allowed = rule.allow;
        }
    }
    return allowed;
}

QByteArray RobotsRules::stored() const
{
    QByteArray text = "C" + QByteArray::number(m_crawlDelayMs) + '\n';
    for (const Rule &rule : m_rules)
        text += (rule.allow ? 'A' : 'D') + rule.pattern.toUtf8() + '\n';
    return text;
}

RobotsRules RobotsRules::fromStored(const QByteArray &stored)
{
    RobotsRules rules;
    for (const QByteArray &line : stored.split('\n')) {
        if (line.startsWith('C'))
            rules.m_crawlDelayMs = line.mid(1).toInt();
        else if (line.startsWith('A') || line.startsWith('D'))
            rules.m_rules.append({line.startsWith('A'), QString::fromUtf8(line.mid(1))});
    }
    return rules;
}

SitemapEntries parseSitemap(const QByteArray &xml, int limit)
{
    SitemapEntries entries;
    QXmlStreamReader reader(xml);
    QString parent;
    while (!reader.atEnd() && !reader.hasError()) {
        if (reader.readNext() != QXmlStreamReader::StartElement)
            continue;
        const QStringView name = reader.name();
        if (name == QLatin1String("url") || name == QLatin1String("sitemap")) {
            parent = name.toString();
        } else if (name == QLatin1String("loc")) {
            const QString loc = reader.readElementText().trimmed();
            QStringList &list =
                parent == QLatin1String("sitemap") ? entries.sitemaps : entries.pages;
            if (!loc.isEmpty() && list.size() < limit)
                list.append(loc);
        }
    }
    return entries;
}

} // namespace aether::crawl
