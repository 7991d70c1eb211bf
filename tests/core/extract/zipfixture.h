#pragma once

// Zip files for the Office extractor tests, written with libzip in memory:
// real archives with the parts a test names, encrypted ones, and zip bombs
// that are made without ever holding their expanded bytes.

#include <QByteArray>
#include <QList>
#include <QString>

namespace aether::test {

struct ZipEntry
{
    QString name;
    QByteArray data;
};

// `password`: every entry AES-256 encrypted with it. A "mimetype" entry is
// stored uncompressed and first, as OpenDocument requires.
QByteArray buildZip(const QList<ZipEntry> &entries, const QByteArray &password = {});

// `others` plus one entry `name` of `size` zero bytes, deflated as it is produced.
QByteArray zeroBombZip(const QString &name, qint64 size, const QList<ZipEntry> &others = {});

// `count` tiny entries "f<N>.txt" after the given ones.
QByteArray manyEntriesZip(int count, const QList<ZipEntry> &first = {});

// The archive with the uncompressed size of `name` rewritten in its local and
// central headers, as a zip bomb that lies about its size does.
QByteArray withDeclaredSize(QByteArray zip, const QString &name, quint32 size);

} // namespace aether::test
