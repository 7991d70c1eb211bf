#pragma once

#include "extract/ziparchive.h"

#include <QHash>
#include <QXmlStreamReader>

namespace aether {

// An Office Open XML (.docx, .pptx, .xlsx) or OpenDocument (.odt, .ods, .odp)
// package: the zip plus what every such format reads the same way. Opening it
// refuses empty, corrupt, encrypted and password-protected files with an
// OfficeError a user can act on.
class OfficePackage
{
public:
    // formatName names the expected format in messages ("Word document").
    OfficePackage(const QByteArray &data, QString formatName, const CancelToken &cancel);

    // The Office kind ("docx", "pptx", "xlsx", "odt", "ods", "odp") of a zip by the
    // parts it holds; empty when it is none of them.
    static QString kindOf(ZipArchive &zip);

    ZipArchive &zip() { return m_zip; }
    bool contains(const QString &part) const { return m_zip.contains(part); }
    // A part that must be there: its absence means the file is not of this format.
    QByteArray read(const QString &part);
    QByteArray readOptional(const QString &part); // empty when absent

    // OOXML: the targets of the relationships of `part`, by id ("rId2" ->
    // "ppt/slides/slide1.xml"), resolved to package paths.
    QHash<QString, QString> relationships(const QString &part);
    // OOXML: the main part named by _rels/.rels ("word/document.xml"), else `fallback`.
    QString mainPart(const QString &fallback);
    // OOXML: docProps/core.xml dc:title; ODF: meta.xml dc:title. Empty when none.
    QString metadataTitle();
    // ODF: the "mimetype" entry, e.g. "application/vnd.oasis.opendocument.text".
    QString odfMimeType();
    // ODF: refuses a package whose "mimetype" entry names another format.
    void requireOdfMimeType(const QString &expected);

    // Throws OfficeError for XML that ended with an error (not well-formed, truncated).
    void checkXml(const QXmlStreamReader &xml, const QString &part) const;
    [[noreturn]] void fail(const QString &message) const;

private:
    void refuseEncryptedOdf();
    // Relationships of `part` as (id, type, resolved target).
    template<typename Visit> void forEachRelationship(const QString &part, Visit visit);

    ZipArchive m_zip;
    QString m_formatName;
    const CancelToken &m_cancel;
};

} // namespace aether
