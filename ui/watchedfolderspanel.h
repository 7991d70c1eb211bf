#pragma once

#include <QWidget>

class QLabel;
class QTreeWidget;

namespace aether {

class ApiClient;

// The Watched folders tab: folders kept in sync with the store (GET
// /ops/watches) with their state (files tracked, last scan, last error), and
// "Stop watching". Folders are added by dropping them with "Keep in sync".
class WatchedFoldersPanel : public QWidget
{
    Q_OBJECT

public:
    explicit WatchedFoldersPanel(ApiClient *api, QWidget *parent = nullptr);

    QTreeWidget *folders() const { return m_folders; }
    void refresh();
    void stopWatchingSelected();

    static constexpr int kRefreshMs = 5000;

Q_SIGNALS:
    void refreshed();

private:
    ApiClient *m_api;
    QTreeWidget *m_folders;
    QLabel *m_status;
};

} // namespace aether
