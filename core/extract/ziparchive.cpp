#include "extract/ziparchive.h"

#include "base/ingesterror.h"

#include <zip.h>

namespace aether {

namespace {

constexpr qint64 kReadChunk = 64 * 1024;

QString megabytes(qint64 bytes)
{
    return QStringLiteral("%1 MB").arg(bytes / (1024 * 1024));
}

// What a user can do something about, not libzip's wording.
QString describeOpenError(int code)
{
    switch (code) {
    case ZIP_ER_NOZIP:
        return QStringLiteral("file is not a zip archive (corrupt or truncated)");
    case ZIP_ER_MULTIDISK:
        return QStringLiteral("multi-part zip archives are not supported");
    case ZIP_ER_MEMORY:
        return QStringLiteral("not enough memory to open the archive");
    default:
        return QStringLiteral("archive is corrupt or truncated");
    }
}

QString describeReadError(int code, const QString &name)
{
    switch (code) {
    case ZIP_ER_NOPASSWD:
    case ZIP_ER_WRONGPASSWD:
    case ZIP_ER_ENCRNOTSUPP:
        return QStringLiteral("document is encrypted (password-protected)");
    case ZIP_ER_COMPNOTSUPP:
        return QStringLiteral("'%1' uses a compression method that is not supported").arg(name);
    case ZIP_ER_CRC:
        return QStringLiteral("archive is corrupt ('%1' fails its checksum)").arg(name);
    default:
        return QStringLiteral("archive is corrupt ('%1' cannot be read)").arg(name);
    }
}

} // namespace

ZipArchive::ZipArchive(const QByteArray &data, QString errorKind, ZipLimits limits)
    : m_data(data), m_errorKind(std::move(errorKind)), m_limits(limits)
{
    if (m_data.isEmpty())
        fail(QStringLiteral("file is empty"));
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t *source =
        zip_source_buffer_create(m_data.constData(), zip_uint64_t(m_data.size()), 0, &error);
    if (source)
        m_zip = zip_open_from_source(source, ZIP_RDONLY, &error);
    const int code = zip_error_code_zip(&error);
    zip_error_fini(&error);
    if (!m_zip) {
        if (source)
            zip_source_free(source); // still ours when opening failed
        fail(describeOpenError(code));
    }

    try {
        indexEntries();
    } catch (...) {
        // A constructor that throws gets no destructor call: let go of the archive here.
        zip_discard(m_zip);
        m_zip = nullptr;
        throw;
    }
}

void ZipArchive::indexEntries()
{
    const zip_int64_t count = zip_get_num_entries(m_zip, 0);
    if (count < 0)
        fail(describeOpenError(ZIP_ER_INCONS));
    if (count > m_limits.maxEntries)
        fail(QStringLiteral("archive has more than %1 entries (zip bomb?)")
                 .arg(m_limits.maxEntries));
    m_names.reserve(count);
    for (zip_int64_t i = 0; i < count; ++i) {
        const char *raw = zip_get_name(m_zip, zip_uint64_t(i), ZIP_FL_ENC_GUESS);
        const QString name = raw ? QString::fromUtf8(raw) : QString();
        m_names.append(name);
        m_indexByLowerName.insert(name.toLower(), i);
    }
}

ZipArchive::~ZipArchive()
{
    if (m_zip)
        zip_discard(m_zip);
}

bool ZipArchive::hasZipSignature(const QByteArray &data)
{
    return data.startsWith("PK\x03\x04") || data.startsWith("PK\x05\x06");
}

bool ZipArchive::contains(const QString &name) const
{
    return indexOf(name) >= 0;
}

bool ZipArchive::isEncrypted(const QString &name) const
{
    const qint64 index = indexOf(name);
    zip_stat_t stat;
    zip_stat_init(&stat);
    return index >= 0 && zip_stat_index(m_zip, zip_uint64_t(index), 0, &stat) == 0 &&
           (stat.valid & ZIP_STAT_ENCRYPTION_METHOD) && stat.encryption_method != ZIP_EM_NONE;
}

bool ZipArchive::anyEncrypted() const
{
    for (const QString &name : m_names) {
        if (isEncrypted(name))
            return true;
    }
    return false;
}

QByteArray ZipArchive::read(const QString &name, const CancelToken &cancel, qint64 maxBytes)
{
    const qint64 index = indexOf(name);
    if (index < 0)
        fail(QStringLiteral("'%1' is missing from the archive").arg(name));
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(m_zip, zip_uint64_t(index), 0, &stat) != 0)
        fail(describeReadError(ZIP_ER_INCONS, name));
    if ((stat.valid & ZIP_STAT_ENCRYPTION_METHOD) && stat.encryption_method != ZIP_EM_NONE)
        fail(describeReadError(ZIP_ER_NOPASSWD, name));
    const qint64 declaredSize = (stat.valid & ZIP_STAT_SIZE) ? qint64(stat.size) : 0;
    const qint64 compressedSize = (stat.valid & ZIP_STAT_COMP_SIZE) ? qint64(stat.comp_size) : 0;
    if (maxBytes < 0)
        checkDeclaredSize(name, declaredSize, compressedSize);

    zip_file_t *file = zip_fopen_index(m_zip, zip_uint64_t(index), 0);
    if (!file)
        fail(describeReadError(zip_error_code_zip(zip_get_error(m_zip)), name));
    // The declared size may lie: the limits count the bytes actually inflated.
    QByteArray bytes;
    bytes.reserve(qMin(declaredSize, m_limits.maxEntryBytes));
    QByteArray chunk(kReadChunk, Qt::Uninitialized);
    try {
        for (;;) {
            cancel.check();
            const zip_int64_t got = zip_fread(file, chunk.data(), zip_uint64_t(chunk.size()));
            if (got < 0)
                fail(describeReadError(zip_error_code_zip(zip_file_get_error(file)), name));
            if (got == 0)
                break;
            m_bytesRead += got;
            bytes.append(chunk.constData(), qsizetype(got));
            checkExpansion(name, bytes.size(), compressedSize);
            if (maxBytes >= 0 && bytes.size() >= maxBytes)
                break;
        }
    } catch (...) {
        zip_fclose(file);
        throw;
    }
    // zip_fclose reports a CRC mismatch found at the end of the data.
    const int code = zip_fclose(file);
    if (maxBytes >= 0)
        return bytes.left(maxBytes); // not read to its end: the checksum is not known
    if (code != 0)
        fail(describeReadError(code, name));
    return bytes;
}

void ZipArchive::fail(const QString &message) const
{
    throw IngestError(m_errorKind, message);
}

qint64 ZipArchive::indexOf(const QString &name) const
{
    return m_indexByLowerName.value(name.toLower(), -1);
}

void ZipArchive::checkDeclaredSize(const QString &name, qint64 size, qint64 compressedSize) const
{
    if (m_bytesRead + size > m_limits.maxTotalBytes)
        fail(QStringLiteral("archive expands beyond %1 (zip bomb?)")
                 .arg(megabytes(m_limits.maxTotalBytes)));
    if (size > m_limits.maxEntryBytes)
        fail(QStringLiteral("'%1' expands beyond %2 (zip bomb?)")
                 .arg(name, megabytes(m_limits.maxEntryBytes)));
    checkExpansion(name, size, compressedSize);
}

void ZipArchive::checkExpansion(const QString &name, qint64 entryBytes, qint64 compressedSize) const
{
    if (m_bytesRead > m_limits.maxTotalBytes)
        fail(QStringLiteral("archive expands beyond %1 (zip bomb?)")
                 .arg(megabytes(m_limits.maxTotalBytes)));
    if (entryBytes > m_limits.maxEntryBytes)
        fail(QStringLiteral("'%1' expands beyond %2 (zip bomb?)")
                 .arg(name, megabytes(m_limits.maxEntryBytes)));
    if (entryBytes >= m_limits.ratioCheckFrom &&
        double(entryBytes) > m_limits.maxRatio * double(qMax<qint64>(compressedSize, 1)))
        fail(QStringLiteral("'%1' expands more than %2 times its compressed size (zip bomb?)")
                 .arg(name)
                 .arg(m_limits.maxRatio));
}

} // namespace aether
