#pragma once

#include <QListWidget>

namespace aether {

class ApiClient;

// The Documents tab's sidebar: "All sources" first, then each source of the
// store with its document count (GET /knowledge/sources). Choosing one
// filters the listing by that source.
class SourceList : public QListWidget
{
    Q_OBJECT

public:
    explicit SourceList(ApiClient *api, QWidget *parent = nullptr);

    void refresh();               // asks the service again, keeping the chosen source
    QString chosenSource() const; // "" for every source
    // The row of a source, -1 when it is not listed; row 0 is "All sources".
    int rowOf(const QString &source) const;
    qint64 countAt(int row) const;

Q_SIGNALS:
    void sourceChosen(const QString &source); // "" for every source
    void refreshed();

private:
    void fill(const QJsonArray &sources);

    ApiClient *m_api;
    int m_generation = 0; // only the newest answer is shown
};

} // namespace aether
