#pragma once

#include "ui/filechooser.h"
#include "ui/filecollection.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace aether {

class ApiClient;
struct ApiAnswer;
class DropZone;

// Everything that adds content: the drop zone, "Add files…" and "Add
// folder…" (files wait in a confirmation bar with their count), the URL box,
// "Paste text", and the source and priority given to what is queued. Nothing
// given is dropped silently: unsupported files are named, and what the
// service refuses is kept to be sent again (URLs back in the box, texts for
// the next "Paste text", files back in the confirmation bar).
class AddContentPanel : public QWidget
{
    Q_OBJECT

public:
    explicit AddContentPanel(ApiClient *api, QWidget *parent = nullptr);

    DropZone *dropZone() const { return m_dropZone; }
    QPlainTextEdit *urlBox() const { return m_urls; }
    QLabel *messageLabel() const { return m_message; }
    QLabel *pendingLabel() const { return m_pendingText; }
    int pendingFileCount() const { return int(m_pending.supported.size()); }

    void chooseFiles();  // "Add files…" dialog
    void chooseFolder(); // "Add folder…": every supported file under it, queued once
    FileChooser &chooser() { return m_chooser; }
    void collectPaths(const QStringList &paths);
    void queuePendingFiles();
    // Watches the dropped folders instead (POST /ops/watches): their files are
    // queued by the watch, and kept in sync from then on. Files dropped beside
    // the folders (not inside one) are queued once.
    void keepPendingFoldersInSync();
    void discardPendingFiles();
    void queueUrls();
    void pasteText();
    // `sourceOverride`: the paste dialog's source, else the panel's.
    void queueText(const QString &text, const QString &sourceOverride = {},
                   const QString &title = {});
    // The texts the service refused, oldest first: "Paste text" offers them
    // one by one; one leaves the list when its dialog is accepted.
    QStringList unsentTexts() const { return m_unsentTexts; }
    // Files whose upload was refused (e.g. Redis down): back in the
    // confirmation bar with the reason, "Queue" tries them again.
    QStringList unsentFiles() const { return m_unsentFiles; }
    void focusUrlBox();

Q_SIGNALS:
    // A job the window submitted, with what the table cannot learn from events.
    void jobSubmitted(const QString &id, const QString &type, const QString &name,
                      const QString &source, const QString &localPath);
    // One user action's jobs (a drop, a URL list, a text); for the "batch done" notice.
    void batchStarted(const QString &label, int jobCount);
    void batchJobSubmitted(const QString &label, const QString &id);
    void pendingFilesReady(int supported, int unsupported);
    void message(const QString &text);
    void folderWatched(const QString &path);

private:
    QWidget *createFilesBox();
    QWidget *createUrlsBox();
    QString source() const;
    QString priority() const;
    void showPending();
    void showMessage(const QString &text, bool problem);
    void uploadFiles(const QStringList &paths);
    void fileRefused(const QString &path, const QString &reason);
    void submitted(const ApiAnswer &answer, const QString &type, const QString &name,
                   const QString &localPath, const QString &batch);
    // A URL the service refused goes back at the end of the box, its reason
    // under it; what the user is typing meanwhile is left as it is.
    void urlRefused(const QString &url, const QString &reason);

    ApiClient *m_api;
    DropZone *m_dropZone;
    QPlainTextEdit *m_urls;
    QLineEdit *m_source;
    QComboBox *m_priority;
    QWidget *m_pendingBar;
    QPushButton *m_keepInSync = nullptr;
    QLabel *m_pendingText;
    QLabel *m_message;
    FileCollection m_pending;
    int m_batchCounter = 0;
    QStringList m_urlProblems; // the last "Queue URLs"' refused lines, with reasons
    QStringList m_unsentTexts;
    QStringList m_unsentFiles; // a part of m_pending.supported
    QString m_unsentReason;    // the last refusal of those files
    FileChooser m_chooser;
};

} // namespace aether
