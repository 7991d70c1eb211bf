#pragma once

#include <QStringList>

namespace aether {

// Files found under dropped or chosen paths, split by whether an extractor
// of core/extract takes them. Blocking file I/O: run it off the GUI thread.
struct FileCollection
{
    QStringList supported;   // absolute paths, sorted
    QStringList unsupported; // absolute paths, sorted
    QStringList folders;     // the folders among the given paths, absolute

    static FileCollection collect(const QStringList &paths);
    static bool isSupported(const QString &filePath);
};

} // namespace aether
