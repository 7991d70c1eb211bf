#pragma once

#include "ui/filechooser.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;

namespace aether {

class ApiClient;

// "Watch folder…": a folder (typed or chosen with Browse…), its include
// patterns ("*.md *.pdf"; empty: every supported file) and a source label.
// The folder is checked here first (it exists and can be read); then the
// watch is asked for (POST /ops/watches). A refusal, local or the service's,
// is shown in the dialog with everything typed kept; the dialog closes only
// once the service watches the folder.
class WatchFolderDialog : public QDialog
{
    Q_OBJECT

public:
    WatchFolderDialog(ApiClient *api, QWidget *parent = nullptr);

    QLineEdit *folderField() const { return m_folder; }
    QLineEdit *patternsField() const { return m_patterns; }
    QLineEdit *sourceField() const { return m_source; }
    QLabel *problemLabel() const { return m_problem; }
    QPushButton *watchButton() const { return m_watch; }
    FileChooser &chooser() { return m_chooser; }

    void browse();
    void submit(); // what the Watch button does

    // "*.md, *.pdf  notes-*" -> {"*.md", "*.pdf", "notes-*"}
    static QStringList patternsFrom(const QString &text);

Q_SIGNALS:
    void watchAdded(const QString &path);

private:
    QString localProblem() const;
    void showProblem(const QString &text);

    ApiClient *m_api;
    QLineEdit *m_folder;
    QLineEdit *m_patterns;
    QLineEdit *m_source;
    QLabel *m_problem;
    QPushButton *m_watch;
    FileChooser m_chooser;
};

} // namespace aether
