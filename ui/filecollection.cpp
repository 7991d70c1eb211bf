#include "ui/filecollection.h"

#include "extract/extractorregistry.h"

#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

namespace aether {

namespace {

// Enough for the extractors to recognise a file by its content; small files
// are read whole since container formats (zip) keep their directory at the end.
constexpr qint64 kWholeFileLimit = 8 * 1024 * 1024;
constexpr qint64 kSniffBytes = 1024 * 1024;

} // namespace

bool FileCollection::isSupported(const QString &filePath)
{
    QFile file(filePath);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QByteArray bytes =
        file.size() <= kWholeFileLimit ? file.readAll() : file.read(kSniffBytes);
    return ExtractorRegistry::standard().find(bytes, QFileInfo(filePath).fileName()) != nullptr;
}

FileCollection FileCollection::collect(const QStringList &paths)
{
    QStringList files;
    FileCollection collection;
    for (const QString &path : paths) {
        const QFileInfo info(path);
        if (info.isDir()) {
            collection.folders.append(info.absoluteFilePath());
            QDirIterator walk(info.absoluteFilePath(), QDir::Files | QDir::Readable,
                              QDirIterator::Subdirectories);
            while (walk.hasNext())
                files.append(walk.next());
        } else if (info.isFile()) {
            files.append(info.absoluteFilePath());
        }
    }
    files.sort();
    files.removeDuplicates();
    for (const QString &file : std::as_const(files))
        (isSupported(file) ? collection.supported : collection.unsupported).append(file);
    return collection;
}

} // namespace aether
