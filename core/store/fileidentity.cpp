#include "store/fileidentity.h"

#include <QFile>
#include <sys/stat.h>

namespace aether {

std::optional<FileIdentity> FileIdentity::of(const QString &path)
{
    struct stat status
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &status) != 0)
        return std::nullopt;
    return FileIdentity{quint64(status.st_dev), quint64(status.st_ino)};
}

} // namespace aether
