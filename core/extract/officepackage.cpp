#include "extract/officepackage.h"

#include "base/ingesterror.h"
#include "extract/officexml.h"

#include <QStringList>

namespace aether {

namespace {

const QString kErrorKind = QStringLiteral("OfficeError");
constexpr qsizetype kMaxMimeTypeBytes = 200;

bool isOleStorage(const QByteArray &data)
{
    return data.startsWith("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
}

// A password-protected .docx/.xlsx/.pptx is not a zip but an OLE storage holding
// an "EncryptionInfo" stream (its directory names are UTF-16LE).
bool isEncryptedOoxml(const QByteArray &data)
{
    static const QByteArray name = QByteArray("E\0n\0c\0r\0y\0p\0t\0i\0o\0n\0I\0n\0f\0o\0", 28);
    return isOleStorage(data) && data.contains(name);
}

const QByteArray &checkedData(const QByteArray &data)
{
    if (data.isEmpty())
        throw IngestError(kErrorKind, QStringLiteral("file is empty"));
    if (isEncryptedOoxml(data))
        throw IngestError(kErrorKind, QStringLiteral("document is encrypted (password-protected)"));
    if (isOleStorage(data))
        throw IngestError(
            kErrorKind, QStringLiteral("file is an old binary Office document (.doc, .xls, .ppt); "
                                       "save it as .docx, .xlsx or .pptx"));
    return data;
}

// "ppt/slides/../media/x.png" -> "ppt/media/x.png"
QString normalisedPath(const QString &path)
{
    QStringList parts;
    for (const QString &part : path.split(u'/', Qt::SkipEmptyParts)) {
        if (part == u"..") {
            if (!parts.isEmpty())
                parts.removeLast();
        } else if (part != u".") {
            parts.append(part);
        }
    }
    return parts.join(u'/');
}

QString relationshipsPartOf(const QString &part)
{
    const qsizetype slash = part.lastIndexOf(u'/');
    return part.left(slash + 1) + QStringLiteral("_rels/") + part.mid(slash + 1) +
           QStringLiteral(".rels");
}

} // namespace

OfficePackage::OfficePackage(const QByteArray &data, QString formatName, const CancelToken &cancel)
    : m_zip(checkedData(data), kErrorKind), m_formatName(std::move(formatName)), m_cancel(cancel)
{
    if (m_zip.entryCount() == 0)
        fail(QStringLiteral("archive is empty (not a %1)").arg(m_formatName));
    if (m_zip.anyEncrypted())
        fail(QStringLiteral("document is encrypted (password-protected)"));
    refuseEncryptedOdf();
}

QString OfficePackage::kindOf(ZipArchive &zip)
{
    if (zip.contains(QStringLiteral("mimetype"))) {
        const QByteArray mimeType =
            zip.read(QStringLiteral("mimetype"), CancelToken::never(), kMaxMimeTypeBytes);
        if (mimeType.startsWith("application/vnd.oasis.opendocument.text"))
            return QStringLiteral("odt");
        if (mimeType.startsWith("application/vnd.oasis.opendocument.spreadsheet"))
            return QStringLiteral("ods");
        if (mimeType.startsWith("application/vnd.oasis.opendocument.presentation"))
            return QStringLiteral("odp");
        if (mimeType.startsWith("application/epub+zip"))
            return QStringLiteral("epub");
    }
    if (!zip.contains(QStringLiteral("[Content_Types].xml")))
        return {};
    for (const QString &name : zip.entryNames()) {
        if (name.startsWith(u"word/", Qt::CaseInsensitive))
            return QStringLiteral("docx");
        if (name.startsWith(u"ppt/", Qt::CaseInsensitive))
            return QStringLiteral("pptx");
        if (name.startsWith(u"xl/", Qt::CaseInsensitive))
            return QStringLiteral("xlsx");
    }
    return {};
}

QByteArray OfficePackage::read(const QString &part)
{
    if (!m_zip.contains(part))
        fail(QStringLiteral("not a %1 ('%2' is missing)").arg(m_formatName, part));
    return m_zip.read(part, m_cancel);
}

QByteArray OfficePackage::readOptional(const QString &part)
{
    return m_zip.contains(part) ? m_zip.read(part, m_cancel) : QByteArray();
}

template<typename Visit> void OfficePackage::forEachRelationship(const QString &part, Visit visit)
{
    const QString relsPart = relationshipsPartOf(part);
    if (!m_zip.contains(relsPart))
        return;
    QXmlStreamReader xml(m_zip.read(relsPart, m_cancel));
    const QString base = part.left(part.lastIndexOf(u'/') + 1);
    while (!xml.atEnd()) {
        xml.readNext();
        if (!officexml::isStart(xml, u"Relationship") ||
            officexml::attribute(xml, u"TargetMode") == u"External")
            continue;
        const QString target = officexml::attribute(xml, u"Target");
        visit(officexml::attribute(xml, u"Id"), officexml::attribute(xml, u"Type"),
              normalisedPath(target.startsWith(u'/') ? target : base + target));
    }
    checkXml(xml, relsPart);
}

QHash<QString, QString> OfficePackage::relationships(const QString &part)
{
    QHash<QString, QString> targets;
    forEachRelationship(part, [&targets](const QString &id, const QString &,
                                         const QString &target) { targets.insert(id, target); });
    return targets;
}

QString OfficePackage::mainPart(const QString &fallback)
{
    QString main;
    forEachRelationship(QString(),
                        [&main](const QString &, const QString &type, const QString &target) {
                            if (main.isEmpty() && type.endsWith(u"/officeDocument"))
                                main = target;
                        });
    // Only a main part in the expected folder: a Word file is no presentation.
    const QString folder = fallback.left(fallback.indexOf(u'/') + 1);
    return main.startsWith(folder, Qt::CaseInsensitive) && m_zip.contains(main) ? main : fallback;
}

QString OfficePackage::metadataTitle()
{
    const QString part = m_zip.contains(QStringLiteral("docProps/core.xml"))
                             ? QStringLiteral("docProps/core.xml")
                             : QStringLiteral("meta.xml");
    QXmlStreamReader xml(readOptional(part));
    while (!xml.atEnd()) {
        xml.readNext();
        if (officexml::isStart(xml, u"title"))
            return xml.readElementText(QXmlStreamReader::IncludeChildElements).simplified();
    }
    return {}; // broken metadata is no reason to refuse the document
}

void OfficePackage::requireOdfMimeType(const QString &expected)
{
    const QString mimeType = odfMimeType();
    if (!mimeType.isEmpty() && !mimeType.startsWith(expected))
        fail(QStringLiteral("not a %1 (the file says it is %2)").arg(m_formatName, mimeType));
}

QString OfficePackage::odfMimeType()
{
    if (!m_zip.contains(QStringLiteral("mimetype")))
        return {};
    return QString::fromLatin1(m_zip.read(QStringLiteral("mimetype"), m_cancel, kMaxMimeTypeBytes))
        .trimmed();
}

void OfficePackage::checkXml(const QXmlStreamReader &xml, const QString &part) const
{
    if (xml.hasError())
        fail(QStringLiteral("'%1' is not well-formed XML (line %2: %3)")
                 .arg(part)
                 .arg(xml.lineNumber())
                 .arg(xml.errorString()));
}

void OfficePackage::fail(const QString &message) const
{
    throw IngestError(kErrorKind, message);
}

// An encrypted ODF file keeps its zip readable but lists each encrypted part in
// the manifest with <manifest:encryption-data>; its content.xml is ciphertext.
void OfficePackage::refuseEncryptedOdf()
{
    const QString manifest = QStringLiteral("META-INF/manifest.xml");
    if (!m_zip.contains(manifest))
        return;
    QXmlStreamReader xml(m_zip.read(manifest, m_cancel));
    while (!xml.atEnd()) {
        xml.readNext();
        if (officexml::isStart(xml, u"encryption-data"))
            fail(QStringLiteral("document is encrypted (password-protected)"));
    }
}

} // namespace aether
