#pragma once

#include <QString>
#include <QStringView>

namespace aether {

// Replaces character references: the common named ones (&amp; &nbsp; &mdash;
// ...) and numeric ones (&#233; &#xE9;). Unknown names are left as written.
QString decodeHtmlEntities(QStringView text);

} // namespace aether
