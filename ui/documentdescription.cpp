#include "ui/documentdescription.h"

#include "extract/extractorregistry.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QStringList>

namespace aether {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("DocumentDescription", text);
}

QString field(const QJsonObject &document, const char *key)
{
    return document.value(QLatin1String(key)).toString();
}

QString counted(qint64 count, const char *one, const char *many)
{
    return count == 1 ? tr(one) : tr(many).arg(QLocale().toString(count));
}

} // namespace

QString documentName(const QJsonObject &document)
{
    for (const char *key : {"title", "filename", "url"}) {
        const QString name = field(document, key);
        if (!name.isEmpty())
            return name;
    }
    return tr("(untitled text)");
}

QString documentMetadataLine(const QJsonObject &document)
{
    const qint64 characters = document.value(QStringLiteral("characters")).toInteger();
    const qint64 chunks = document.value(QStringLiteral("chunks")).toInteger();
    QStringList parts{field(document, "type"), tr("source %1").arg(field(document, "source")),
                      counted(characters, "1 character", "%1 characters"),
                      counted(chunks, "1 chunk", "%1 chunks"),
                      tr("added %1").arg(field(document, "created_at"))};
    for (const char *key : {"filename", "url"}) {
        if (!field(document, key).isEmpty())
            parts << field(document, key);
    }
    parts.removeAll(QString());
    return parts.join(QStringLiteral(" · "));
}

QString documentOwnMetadata(const QJsonObject &document)
{
    const QJsonObject metadata = document.value(QStringLiteral("metadata")).toObject();
    QStringList pairs;
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
        pairs.append(it.key() + QStringLiteral(": ") + it.value().toVariant().toString());
    return pairs.join(QStringLiteral(" · "));
}

QUrl sourceLocation(const QJsonObject &document, const LocalFileLookup &lookup, QString *whyNot)
{
    const QString url = field(document, "url");
    if (!url.isEmpty()) {
        const QUrl address(url);
        const QString scheme = address.scheme().toLower();
        if (address.isValid() &&
            (scheme == QLatin1String("http") || scheme == QLatin1String("https")))
            return address;
        *whyNot = tr("Only http and https addresses are opened");
        return {};
    }
    const QString fileName = field(document, "filename");
    const QString path = !fileName.isEmpty() && lookup ? lookup(fileName) : QString();
    if (!path.isEmpty() && isOpenableDocument(path))
        return QUrl::fromLocalFile(path);
    if (!path.isEmpty())
        *whyNot = tr("%1 is no longer on this computer").arg(path);
    else if (!fileName.isEmpty())
        *whyNot = tr("Only files sent from this window are opened; where this one is on this "
                     "computer is not known");
    else
        *whyNot = tr("This document was sent as text: there is no file or address to open");
    return {};
}

bool isOpenableDocument(const QString &path)
{
    const QFileInfo file(path);
    return file.isFile() && !file.isExecutable() &&
           ExtractorRegistry::supportedExtensions().contains(file.suffix(), Qt::CaseInsensitive);
}

} // namespace aether
