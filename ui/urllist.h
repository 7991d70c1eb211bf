#pragma once

#include <QList>
#include <QStringList>
#include <QUrl>

namespace aether {

// The URL box's text: one URL a line, blank lines ignored. A line counts when
// it is an absolute http(s) URL with a host.
struct UrlList
{
    QList<QUrl> valid;
    QStringList invalidLines; // the lines as typed, in order
    QStringList problems;     // "line 3: 'foo' is not an http(s) URL"

    static UrlList parse(const QString &text);
};

} // namespace aether
