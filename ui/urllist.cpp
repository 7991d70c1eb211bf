#include "ui/urllist.h"

namespace aether {

UrlList UrlList::parse(const QString &text)
{
    UrlList list;
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        const QString line = lines.at(i).trimmed();
        if (line.isEmpty())
            continue;
        const QUrl url(line, QUrl::StrictMode);
        const QString scheme = url.scheme().toLower();
        const bool web = scheme == QLatin1String("http") || scheme == QLatin1String("https");
        if (url.isValid() && web && !url.host().isEmpty() && !line.contains(QLatin1Char(' '))) {
            if (!list.valid.contains(url))
                list.valid.append(url);
            continue;
        }
        list.invalidLines.append(line);
        list.problems.append(
            QStringLiteral("line %1: '%2' is not an http(s) URL")
                .arg(i + 1)
                .arg(line.size() > 60 ? line.left(57) + QStringLiteral("...") : line));
    }
    return list;
}

} // namespace aether
