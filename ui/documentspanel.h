#pragma once

#include <QWidget>

class QLabel;
class QTreeWidget;

namespace aether {

class ApiClient;

// The Documents tab: what the store holds (GET /knowledge/documents), with delete.
class DocumentsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit DocumentsPanel(ApiClient *api, QWidget *parent = nullptr);

    QTreeWidget *documents() const { return m_documents; }
    void refresh();
    void deleteSelected();

private:
    ApiClient *m_api;
    QTreeWidget *m_documents;
    QLabel *m_status;
};

} // namespace aether
