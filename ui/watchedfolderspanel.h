#pragma once

#include <QWidget>

class QLabel;
class QTreeWidget;

namespace aether {

class ApiClient;
class WatchFolderDialog;

// The Watched folders tab: folders kept in sync with the store (GET
// /ops/watches) with their state (files tracked, last scan, last error),
// "Watch folder…", "Rescan now" and "Stop watching". Folders are also added
// by dropping them with "Keep in sync".
class WatchedFoldersPanel : public QWidget
{
    Q_OBJECT

public:
    explicit WatchedFoldersPanel(ApiClient *api, QWidget *parent = nullptr);

    QTreeWidget *folders() const { return m_folders; }
    void refresh();
    void stopWatchingSelected();
    // Opens the "Watch folder" dialog (window-modal, not blocking) and returns
    // it; it deletes itself when closed, and the list refreshes when it added a watch.
    WatchFolderDialog *watchFolder();
    // The selected watches scan their folders now (POST /ops/watches/{id}/rescan).
    void rescanSelected();

    static constexpr int kRefreshMs = 5000;

Q_SIGNALS:
    void refreshed();
    void addFolderOnceRequested(); // the window opens "Add folder…" where its files wait

private:
    ApiClient *m_api;
    QTreeWidget *m_folders;
    QLabel *m_status;
};

} // namespace aether
