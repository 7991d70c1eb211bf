#include "extract/epubextractor.h"

#include "base/ingesterror.h"
#include "extract/htmlextractor.h"
#include "extract/ziparchive.h"

#include <QDir>
#include <QHash>
#include <QUrl>
#include <QXmlStreamReader>

namespace aether {

namespace {

const QString kError = QStringLiteral("EpubError");

[[noreturn]] void fail(const QString &message)
{
    throw IngestError(kError, message);
}

struct ManifestItem
{
    QString path; // within the zip
    QString mediaType;
    QString properties;
};

struct Package
{
    QString title;
    QString author;
    QString language;
    QHash<QString, ManifestItem> manifest; // by id
    QStringList spine;                     // item ids in reading order
    QString ncxId;                         // EPUB 2 table of contents
};

// An href of a file at `base` (a zip path), as a zip path: relative, decoded,
// without its fragment.
QString resolve(const QString &base, const QString &href)
{
    const QString decoded = QUrl::fromPercentEncoding(href.section(u'#', 0, 0).toUtf8());
    const QString directory = base.contains(u'/') ? base.section(u'/', 0, -2) : QString();
    return QDir::cleanPath(directory.isEmpty() ? decoded : directory + u'/' + decoded);
}

QString rootFilePath(ZipArchive &zip, const CancelToken &cancel)
{
    if (!zip.contains(QStringLiteral("META-INF/container.xml")))
        fail(QStringLiteral("no META-INF/container.xml: not an EPUB book"));
    QXmlStreamReader xml(zip.read(QStringLiteral("META-INF/container.xml"), cancel));
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement() && xml.name() == u"rootfile")
            return xml.attributes().value(QLatin1String("full-path")).toString();
    }
    fail(QStringLiteral("META-INF/container.xml names no package document"));
}

// Font obfuscation (IDPF, Adobe) only scrambles embedded fonts; any other
// encryption of a book's files is DRM, which this program cannot and must not
// undo.
void refuseDrm(ZipArchive &zip, const CancelToken &cancel)
{
    if (zip.contains(QStringLiteral("META-INF/rights.xml")))
        fail(QStringLiteral("this book is DRM-protected (META-INF/rights.xml); only books "
                            "without DRM can be read"));
    if (!zip.contains(QStringLiteral("META-INF/encryption.xml")))
        return;
    QXmlStreamReader xml(zip.read(QStringLiteral("META-INF/encryption.xml"), cancel));
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement() || xml.name() != u"EncryptionMethod")
            continue;
        const QStringView algorithm = xml.attributes().value(QLatin1String("Algorithm"));
        if (algorithm != u"http://www.idpf.org/2008/embedding" &&
            algorithm != u"http://ns.adobe.com/pdf/enc#RC")
            fail(QStringLiteral("this book is DRM-protected (its content is encrypted); only "
                                "books without DRM can be read"));
    }
}

Package readPackage(ZipArchive &zip, const QString &opfPath, const CancelToken &cancel)
{
    if (!zip.contains(opfPath))
        fail(QStringLiteral("the package document %1 is missing").arg(opfPath));
    QXmlStreamReader xml(zip.read(opfPath, cancel));
    Package package;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        const QStringView name = xml.name();
        const QXmlStreamAttributes attributes = xml.attributes();
        if (name == u"title" && package.title.isEmpty()) {
            package.title = xml.readElementText().simplified();
        } else if (name == u"creator" && package.author.isEmpty()) {
            package.author = xml.readElementText().simplified();
        } else if (name == u"language" && package.language.isEmpty()) {
            package.language = xml.readElementText().simplified();
        } else if (name == u"item") {
            package.manifest.insert(
                attributes.value(QLatin1String("id")).toString(),
                ManifestItem{resolve(opfPath, attributes.value(QLatin1String("href")).toString()),
                             attributes.value(QLatin1String("media-type")).toString(),
                             attributes.value(QLatin1String("properties")).toString()});
        } else if (name == u"spine") {
            package.ncxId = attributes.value(QLatin1String("toc")).toString();
        } else if (name == u"itemref" && attributes.value(QLatin1String("linear")) != u"no") {
            package.spine.append(attributes.value(QLatin1String("idref")).toString());
        }
    }
    if (xml.hasError())
        fail(QStringLiteral("the package document is not valid XML: %1").arg(xml.errorString()));
    if (package.spine.isEmpty())
        fail(QStringLiteral("the book lists no chapters (an empty spine)"));
    return package;
}

// Chapter titles by zip path, from the EPUB 3 navigation document (its toc
// <nav>) or the EPUB 2 NCX.
QHash<QString, QString> chapterTitles(ZipArchive &zip, const Package &package,
                                      const CancelToken &cancel)
{
    QHash<QString, QString> titles;
    for (const ManifestItem &item : package.manifest) {
        if (!item.properties.split(u' ').contains(QStringLiteral("nav")) ||
            !zip.contains(item.path))
            continue;
        QXmlStreamReader xml(zip.read(item.path, cancel));
        while (!xml.atEnd()) {
            xml.readNext();
            if (xml.isStartElement() && xml.name() == u"a") {
                const QString target =
                    resolve(item.path, xml.attributes().value(QLatin1String("href")).toString());
                const QString text =
                    xml.readElementText(QXmlStreamReader::IncludeChildElements).simplified();
                if (!titles.contains(target) && !text.isEmpty())
                    titles.insert(target, text);
            }
        }
        return titles;
    }
    const ManifestItem ncx = package.manifest.value(package.ncxId);
    if (ncx.path.isEmpty() || !zip.contains(ncx.path))
        return titles;
    QXmlStreamReader xml(zip.read(ncx.path, cancel));
    QString label;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == u"text") {
            label = xml.readElementText().simplified();
        } else if (xml.name() == u"content") {
            const QString target =
                resolve(ncx.path, xml.attributes().value(QLatin1String("src")).toString());
            if (!titles.contains(target) && !label.isEmpty())
                titles.insert(target, label);
        }
    }
    return titles;
}

bool isChapter(const ManifestItem &item)
{
    return item.mediaType == u"application/xhtml+xml" || item.mediaType == u"text/html" ||
           item.path.endsWith(u".xhtml") || item.path.endsWith(u".html");
}

} // namespace

ExtractedDocument EpubExtractor::extract(const QByteArray &data, const QString &fileName,
                                         const CancelToken &cancel) const
{
    Q_UNUSED(fileName);
    ZipArchive zip(data, kError);
    refuseDrm(zip, cancel);
    const Package package = readPackage(zip, rootFilePath(zip, cancel), cancel);
    const QHash<QString, QString> titles = chapterTitles(zip, package, cancel);

    ExtractedDocument document;
    document.kind = kind();
    document.title = package.title;
    if (!package.title.isEmpty())
        document.metadata.insert(QStringLiteral("title"), package.title);
    if (!package.author.isEmpty())
        document.metadata.insert(QStringLiteral("author"), package.author);
    if (!package.language.isEmpty())
        document.metadata.insert(QStringLiteral("language"), package.language);
    for (const QString &id : package.spine) {
        cancel.check(); // a chapter is the unit of work
        const ManifestItem item = package.manifest.value(id);
        if (item.path.isEmpty() || !isChapter(item) || !zip.contains(item.path))
            continue;
        const ExtractedDocument chapter =
            HtmlExtractor::extractText(HtmlExtractor::decode(zip.read(item.path, cancel)), cancel);
        const QString title = titles.value(item.path, chapter.title);
        for (TextBlock block : chapter.blocks) {
            // The chapter's name leads its heading path, once.
            if (!title.isEmpty() && !block.heading.startsWith(title))
                block.heading =
                    block.heading.isEmpty() ? title : title + QStringLiteral(" > ") + block.heading;
            document.blocks.append(std::move(block));
        }
    }
    return document;
}

} // namespace aether
