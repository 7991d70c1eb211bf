#include "ui/filechooser.h"

#include "extract/extractorregistry.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QSettings>
#include <memory>

namespace aether {

namespace {

const QString kLastFolderKey = QStringLiteral("dialogs/lastFolder");

// Beside the settings file (app/desktop/main.cpp), in a file of its own: what
// the dialogs remember is the window's state, not a setting of the service.
std::unique_ptr<QSettings> dialogState()
{
    return std::make_unique<QSettings>(QSettings::IniFormat, QSettings::UserScope,
                                       QStringLiteral("aether-ingest"), QStringLiteral("dialogs"));
}

} // namespace

FileChooser::FileChooser()
    : m_files([](QWidget *parent, const QString &caption, const QString &folder,
                 const QString &filter) {
          return QFileDialog::getOpenFileNames(parent, caption, folder, filter);
      }),
      m_folder([](QWidget *parent, const QString &caption, const QString &folder) {
          return QFileDialog::getExistingDirectory(parent, caption, folder);
      })
{}

QStringList FileChooser::chooseFiles(QWidget *parent, const QString &caption) const
{
    const QStringList files = m_files(parent, caption, lastFolder(), supportedFilter());
    if (!files.isEmpty())
        rememberFolder(QFileInfo(files.first()).absolutePath());
    return files;
}

QString FileChooser::chooseFolder(QWidget *parent, const QString &caption) const
{
    const QString folder = m_folder(parent, caption, lastFolder());
    if (!folder.isEmpty())
        rememberFolder(folder);
    return folder;
}

QString FileChooser::supportedFilter()
{
    QStringList patterns;
    for (const QString &extension : ExtractorRegistry::supportedExtensions())
        patterns.append(QStringLiteral("*.") + extension);
    return QObject::tr("Supported documents (%1);;All files (*)").arg(patterns.join(u' '));
}

QString FileChooser::lastFolder()
{
    const QString folder = dialogState()->value(kLastFolderKey).toString();
    return !folder.isEmpty() && QFileInfo(folder).isDir() ? folder : QDir::homePath();
}

void FileChooser::rememberFolder(const QString &folder)
{
    dialogState()->setValue(kLastFolderKey, QDir::cleanPath(folder));
}

} // namespace aether
