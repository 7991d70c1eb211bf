#pragma once

#include <QString>
#include <optional>

namespace aether {

// Which file a path names now (device and inode): a store file deleted or
// replaced while a connection holds it open keeps the connection writing into
// the old, unlinked file, so the path is compared with what was opened.
struct FileIdentity
{
    quint64 device = 0;
    quint64 inode = 0;

    // Empty when nothing is at the path.
    static std::optional<FileIdentity> of(const QString &path);
    bool operator==(const FileIdentity &other) const
    {
        return device == other.device && inode == other.inode;
    }
    bool operator!=(const FileIdentity &other) const { return !(*this == other); }
};

} // namespace aether
