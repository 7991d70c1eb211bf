#pragma once

#include "base/cancellation.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

struct zip;

namespace aether {

// What a zip may expand to before it is refused as a zip bomb.
struct ZipLimits
{
    qsizetype maxEntries = 10'000;
    qint64 maxTotalBytes = 256ll * 1024 * 1024; // real bytes read, over all entries
    qint64 maxEntryBytes = 128ll * 1024 * 1024;
    // Deflate compresses nothing much better than 1000:1 (runs of one byte);
    // documents stay far below this ratio.
    double maxRatio = 200.0;
    qint64 ratioCheckFrom = 1024 * 1024; // small entries may be anything
};

// A zip file held in memory (Office and OpenDocument files are zips), read with
// libzip under limits that keep a zip bomb from exhausting memory or time. Every
// failure is an IngestError of the kind given at construction ("OfficeError").
class ZipArchive
{
public:
    // Throws IngestError(errorKind, ...) for bytes that are no readable zip or
    // that hold more entries than allowed.
    explicit ZipArchive(const QByteArray &data, QString errorKind = QStringLiteral("ZipError"),
                        ZipLimits limits = {});
    ~ZipArchive();
    ZipArchive(const ZipArchive &) = delete;
    ZipArchive &operator=(const ZipArchive &) = delete;

    QStringList entryNames() const { return m_names; }
    qsizetype entryCount() const { return m_names.size(); }
    // Names are compared without case: Office part names are case-insensitive.
    bool contains(const QString &name) const;
    bool isEncrypted(const QString &name) const;
    bool anyEncrypted() const;

    // The entry decompressed, whole or (maxBytes >= 0) its first maxBytes bytes;
    // throws IngestError when it is missing, encrypted, corrupt or too large,
    // JobInterrupted when `cancel` fires.
    QByteArray read(const QString &name, const CancelToken &cancel = CancelToken::never(),
                    qint64 maxBytes = -1);

    qint64 bytesRead() const { return m_bytesRead; }
    const QString &errorKind() const { return m_errorKind; }

    // "PK\3\4" (a local file header) or "PK\5\6" (the end record of an empty zip).
    static bool hasZipSignature(const QByteArray &data);

private:
    void indexEntries();
    [[noreturn]] void fail(const QString &message) const;
    qint64 indexOf(const QString &name) const;
    void checkDeclaredSize(const QString &name, qint64 size, qint64 compressedSize) const;
    void checkExpansion(const QString &name, qint64 entryBytes, qint64 compressedSize) const;

    QByteArray m_data; // libzip reads from this buffer: it must outlive m_zip
    QString m_errorKind;
    ZipLimits m_limits;
    zip *m_zip = nullptr;
    QStringList m_names;
    QHash<QString, qint64> m_indexByLowerName;
    qint64 m_bytesRead = 0;
};

} // namespace aether
