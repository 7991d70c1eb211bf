#pragma once

#include <QWidget>
#include <functional>

class QComboBox;
class QLabel;
class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace aether {

class ApiClient;
class PassageDelegate;

// The Search tab: a query against POST /knowledge/search, results with score,
// title, source, page and the passage (terms highlighted); double-click opens
// the URL or the local file.
class SearchPanel : public QWidget
{
    Q_OBJECT

public:
    // Finds the local path of an uploaded file by its name ("" when unknown).
    using LocalFileLookup = std::function<QString(const QString &fileName)>;

    SearchPanel(ApiClient *api, LocalFileLookup lookup, QWidget *parent = nullptr);

    QLineEdit *queryField() const { return m_query; }
    QTreeWidget *results() const { return m_results; }
    void search();
    void focusQuery();

Q_SIGNALS:
    void searched(int resultCount);

private:
    void showResults(const QJsonArray &results);
    void open(QTreeWidgetItem *item);

    ApiClient *m_api;
    LocalFileLookup m_lookup;
    QLineEdit *m_query;
    QComboBox *m_mode;
    QTreeWidget *m_results;
    PassageDelegate *m_passages;
    QLabel *m_status;
};

} // namespace aether
