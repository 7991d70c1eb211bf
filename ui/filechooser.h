#pragma once

#include <QString>
#include <QStringList>
#include <functional>

class QWidget;

namespace aether {

// The window's file and folder dialogs ("Add files…", "Add folder…", "Watch
// folder…"'s Browse): they open in the folder chosen last, kept across runs
// in QSettings, and "Add files…" offers the types the extractors read. The
// dialogs themselves are replaceable, so tests choose without clicking.
class FileChooser
{
public:
    using ChooseFiles = std::function<QStringList(QWidget *parent, const QString &caption,
                                                  const QString &folder, const QString &filter)>;
    using ChooseFolder =
        std::function<QString(QWidget *parent, const QString &caption, const QString &folder)>;

    FileChooser(); // the platform's dialogs

    void setChooseFiles(ChooseFiles choose) { m_files = std::move(choose); }
    void setChooseFolder(ChooseFolder choose) { m_folder = std::move(choose); }

    // Empty when the user cancelled; otherwise the folder is remembered.
    QStringList chooseFiles(QWidget *parent, const QString &caption) const;
    QString chooseFolder(QWidget *parent, const QString &caption) const;

    // "Supported documents (*.html *.md *.pdf …);;All files (*)", from
    // ExtractorRegistry::supportedExtensions().
    static QString supportedFilter();
    // Where the next dialog opens: the folder chosen last, else the home folder.
    static QString lastFolder();
    static void rememberFolder(const QString &folder);

private:
    ChooseFiles m_files;
    ChooseFolder m_folder;
};

} // namespace aether
