#pragma once

#include <QObject>
#include <QUrl>
#include <functional>

class QAction;

namespace aether {

class ApiClient;
struct JobRecord;
class JobTableModel;

// What the job table's context menu offers about where a job came from and
// what it made: open its source (the web page, or the local file when it is
// on this computer), copy its URL, show its stored document.
class JobSourceActions : public QObject
{
    Q_OBJECT

public:
    // `selected`: the ids of the selected jobs, in the table's order.
    JobSourceActions(ApiClient *api, JobTableModel *jobs, std::function<QStringList()> selected,
                     QObject *parent);

    QAction *openSource() const { return m_openSource; }
    QAction *copyUrl() const { return m_copyUrl; }
    QAction *showDocument() const { return m_showDocument; }

    // Opens a URL or a file URL; QDesktopServices::openUrl unless replaced
    // (tests see what would be opened).
    using Opener = std::function<bool(const QUrl &)>;
    void setOpener(Opener opener) { m_opener = std::move(opener); }
    // The local path of a file job's file name, empty when not known: the
    // window knows the files it uploaded. Without it only absolute paths that
    // exist are opened.
    using LocalFiles = std::function<QString(const QString &fileName)>;
    void setLocalFiles(LocalFiles localFiles) { m_localFiles = std::move(localFiles); }

    // Enables each action by the selected jobs' kinds and states.
    void update();
    // What "Open source" would open for this job; empty when nothing.
    QUrl sourceUrl(const JobRecord &job) const;

Q_SIGNALS:
    void showDocumentRequested(qint64 documentId);
    void message(const QString &text);

private:
    const JobRecord *singleSelected() const;
    QStringList selectedUrls() const;
    void open();
    void copy();
    void show();

    ApiClient *m_api;
    JobTableModel *m_jobs;
    std::function<QStringList()> m_selected;
    QAction *m_openSource;
    QAction *m_copyUrl;
    QAction *m_showDocument;
    Opener m_opener;
    LocalFiles m_localFiles;
};

} // namespace aether
