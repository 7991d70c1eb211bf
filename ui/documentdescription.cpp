#include "ui/documentdescription.h"

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

// The places on this computer where the document's file may be, best first.
QStringList localCandidates(const QJsonObject &document, const LocalFileLookup &lookup)
{
    const QString fileName = field(document, "filename");
    const QString source = field(document, "source");
    QStringList candidates;
    if (!fileName.isEmpty() && QDir::isAbsolutePath(fileName))
        candidates << fileName;
    if (!fileName.isEmpty() && QDir::isAbsolutePath(source))
        candidates << QDir(source).filePath(fileName);
    if (QDir::isAbsolutePath(source))
        candidates << source;
    if (!fileName.isEmpty() && lookup)
        candidates << lookup(fileName);
    candidates.removeAll(QString());
    return candidates;
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
    const QStringList candidates = localCandidates(document, lookup);
    for (const QString &path : candidates) {
        if (QFileInfo(path).isFile())
            return QUrl::fromLocalFile(path);
    }
    if (!candidates.isEmpty())
        *whyNot = tr("%1 is no longer on this computer").arg(candidates.first());
    else if (!field(document, "filename").isEmpty())
        *whyNot = tr("The file was uploaded by name; where it is on this computer is not known");
    else
        *whyNot = tr("This document was sent as text: there is no file or address to open");
    return {};
}

} // namespace aether
