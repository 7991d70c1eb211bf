#include "zipfixture.h"

#include <QtEndian>

#include <cstring>
#include <stdexcept>
#include <tuple>
#include <zip.h>

namespace aether::test {

namespace {

// libzip reads this source as it compresses: `size` zero bytes, never all in memory.
struct ZeroSource
{
    qint64 size = 0;
    qint64 position = 0;
    zip_error_t error{};
};

zip_int64_t readZeros(void *userData, void *data, zip_uint64_t length, zip_source_cmd_t command)
{
    auto *source = static_cast<ZeroSource *>(userData);
    switch (command) {
    case ZIP_SOURCE_OPEN:
        source->position = 0;
        return 0;
    case ZIP_SOURCE_READ: {
        const qint64 count = qMin<qint64>(qint64(length), source->size - source->position);
        std::memset(data, 0, size_t(count));
        source->position += count;
        return count;
    }
    case ZIP_SOURCE_CLOSE:
    case ZIP_SOURCE_FREE:
        return 0;
    case ZIP_SOURCE_STAT: {
        auto *stat = ZIP_SOURCE_GET_ARGS(zip_stat_t, data, length, &source->error);
        if (!stat)
            return -1;
        zip_stat_init(stat);
        stat->size = zip_uint64_t(source->size);
        stat->valid |= ZIP_STAT_SIZE;
        return sizeof(zip_stat_t);
    }
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&source->error, data, length);
    case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                              ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                              -1);
    default:
        zip_error_set(&source->error, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
}

void check(bool ok, const char *what)
{
    if (!ok)
        throw std::runtime_error(what);
}

// Opens an archive writing into a memory buffer; finish() returns its bytes.
class MemoryZip
{
public:
    MemoryZip()
    {
        zip_error_init(&m_error);
        m_buffer = zip_source_buffer_create(nullptr, 0, 0, &m_error);
        check(m_buffer, "zip_source_buffer_create");
        zip_source_keep(m_buffer);
        m_zip = zip_open_from_source(m_buffer, ZIP_TRUNCATE, &m_error);
        check(m_zip, "zip_open_from_source");
    }
    ~MemoryZip()
    {
        if (m_zip)
            zip_discard(m_zip);
        zip_source_free(m_buffer);
        zip_error_fini(&m_error);
    }

    zip_int64_t add(const QString &name, zip_source_t *source)
    {
        check(source, "zip source");
        const zip_int64_t index = zip_file_add(m_zip, name.toUtf8().constData(), source,
                                               ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
        if (index < 0)
            zip_source_free(source);
        check(index >= 0, "zip_file_add");
        return index;
    }

    // The bytes must stay alive until finish().
    zip_int64_t add(const QString &name, const QByteArray &bytes)
    {
        return add(name,
                   zip_source_buffer(m_zip, bytes.constData(), zip_uint64_t(bytes.size()), 0));
    }

    zip_t *handle() { return m_zip; }

    QByteArray finish()
    {
        if (zip_close(m_zip) != 0)
            throw std::runtime_error(zip_strerror(m_zip));
        m_zip = nullptr;
        check(zip_source_open(m_buffer) == 0, "zip_source_open");
        zip_source_seek(m_buffer, 0, SEEK_END);
        const zip_int64_t size = zip_source_tell(m_buffer);
        zip_source_seek(m_buffer, 0, SEEK_SET);
        QByteArray bytes(qsizetype(size), Qt::Uninitialized);
        const zip_int64_t got = zip_source_read(m_buffer, bytes.data(), zip_uint64_t(size));
        zip_source_close(m_buffer);
        check(got == size, "zip_source_read");
        return bytes;
    }

private:
    zip_error_t m_error;
    zip_source_t *m_buffer = nullptr;
    zip_t *m_zip = nullptr;
};

void addAll(MemoryZip &zip, const QList<ZipEntry> &entries, const QByteArray &password = {})
{
    for (const ZipEntry &entry : entries) {
        const zip_int64_t index = zip.add(entry.name, entry.data);
        if (entry.name == u"mimetype")
            zip_set_file_compression(zip.handle(), zip_uint64_t(index), ZIP_CM_STORE, 0);
        if (!password.isEmpty())
            check(zip_file_set_encryption(zip.handle(), zip_uint64_t(index), ZIP_EM_AES_256,
                                          password.constData()) == 0,
                  "zip_file_set_encryption");
    }
}

} // namespace

QByteArray buildZip(const QList<ZipEntry> &entries, const QByteArray &password)
{
    MemoryZip zip;
    addAll(zip, entries, password);
    return zip.finish();
}

QByteArray zeroBombZip(const QString &name, qint64 size, const QList<ZipEntry> &others)
{
    MemoryZip zip;
    addAll(zip, others);
    ZeroSource source;
    source.size = size;
    zip_error_init(&source.error);
    const zip_int64_t index =
        zip.add(name, zip_source_function_create(readZeros, &source, nullptr));
    zip_set_file_compression(zip.handle(), zip_uint64_t(index), ZIP_CM_DEFLATE, 9);
    return zip.finish();
}

QByteArray manyEntriesZip(int count, const QList<ZipEntry> &first)
{
    static const QByteArray content = "x";
    MemoryZip zip;
    addAll(zip, first);
    for (int i = 0; i < count; ++i)
        zip.add(QStringLiteral("f%1.txt").arg(i), content);
    return zip.finish();
}

QByteArray withDeclaredSize(QByteArray zip, const QString &name, quint32 size)
{
    const QByteArray encodedName = name.toUtf8();
    // Local header: size at 22, name length at 26, name at 30.
    // Central header: size at 24, name length at 28, name at 46.
    for (const auto &[signature, sizeAt, nameAt] : {std::tuple{QByteArray("PK\x03\x04"), 22, 30},
                                                    std::tuple{QByteArray("PK\x01\x02"), 24, 46}}) {
        for (qsizetype at = zip.indexOf(signature); at >= 0; at = zip.indexOf(signature, at + 4)) {
            if (zip.mid(at + nameAt, encodedName.size()) == encodedName)
                qToLittleEndian<quint32>(size, zip.data() + at + sizeAt);
        }
    }
    return zip;
}

} // namespace aether::test
