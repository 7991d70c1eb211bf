#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace aether {

class ApiClient;

// The Documents tab: every document the store holds, a page at a time as the
// list is scrolled (GET /knowledge/documents with offsets), filtered by title,
// source or type as you type, with delete.
class DocumentsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit DocumentsPanel(ApiClient *api, QWidget *parent = nullptr);

    QTreeWidget *documents() const { return m_documents; }
    QLineEdit *filter() const { return m_filter; }
    QLabel *status() const { return m_status; }
    int loadedCount() const;
    qint64 totalCount() const { return m_total; }

    void refresh();  // from the first page
    void loadMore(); // the next page, when there is one and none is on its way
    void deleteSelected();

    static constexpr int kPageSize = 500;

private:
    void addDocuments(const QJsonArray &documents);
    void applyFilter(QTreeWidgetItem *item) const;
    void applyFilterToAll();
    void showStatus();
    void loadMoreIfNearTheEnd();

    ApiClient *m_api;
    QTreeWidget *m_documents;
    QLineEdit *m_filter;
    QLabel *m_status;
    qint64 m_total = 0;
    bool m_loading = false;
    int m_generation = 0; // a refresh drops the pages of an earlier listing
};

} // namespace aether
