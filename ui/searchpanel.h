#pragma once

#include <QWidget>
#include <functional>

class QComboBox;
class QLabel;
class QLineEdit;
class QTextBrowser;
class QTreeWidget;
class QTreeWidgetItem;

namespace aether {

class ApiClient;
class PassageDelegate;

// The Search tab: a query against the search API; each result shows its
// relevance (a bar of the API's 0-1 relevance), title, source, page and the
// API's snippet with the query's words marked (stemmed forms too, as the
// server matched them); the selected result's whole passage shows below,
// marked likewise. Double-click opens the URL or the local file.
class SearchPanel : public QWidget
{
    Q_OBJECT

public:
    // Finds the local path of an uploaded file by its name ("" when unknown).
    using LocalFileLookup = std::function<QString(const QString &fileName)>;

    SearchPanel(ApiClient *api, LocalFileLookup lookup, QWidget *parent = nullptr);

    QLineEdit *queryField() const { return m_query; }
    QTreeWidget *results() const { return m_results; }
    QTextBrowser *passageView() const { return m_passage; }
    QComboBox *mode() const { return m_mode; }
    static constexpr int kFoundByColumn = 1;
    static constexpr int kPassageColumn = 5;
    void search();
    void focusQuery();

Q_SIGNALS:
    void searched(int resultCount);

private:
    void showResults(const QJsonArray &results);
    void showPassage(QTreeWidgetItem *item);
    void showHint(const QString &html);
    void showFoundBy(QTreeWidgetItem *item, const QString &matched) const;
    void open(QTreeWidgetItem *item);

    ApiClient *m_api;
    LocalFileLookup m_lookup;
    QLineEdit *m_query;
    QComboBox *m_mode;
    QTreeWidget *m_results;
    PassageDelegate *m_passages;
    QTextBrowser *m_passage;
    int m_searches = 0; // searches asked so far; only the last one's answer is shown
    QLabel *m_status;
};

} // namespace aether
