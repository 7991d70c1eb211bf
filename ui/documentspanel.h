#pragma once

#include "ui/documentdescription.h"

#include <QJsonObject>
#include <QWidget>
#include <functional>

class QLabel;
class QLineEdit;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTimer;
class QTreeWidget;
class QTreeWidgetItem;

namespace aether {

class ApiClient;
class BulkRequests;
class DocumentPages;
class DocumentPreview;
class SourceList;

// The Documents tab: every document the store holds, newest first, a page at
// a time as the list is scrolled (GET /knowledge/documents by before_id, so
// documents stored meanwhile shift nothing), filtered on the service by source
// (the sidebar, with counts) and by title, source, type, file name or URL (the
// filter box); the selected document's stored text in the preview; delete
// after a question.
class DocumentsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit DocumentsPanel(ApiClient *api, QWidget *parent = nullptr);

    QTreeWidget *documents() const { return m_documents; }
    QLineEdit *filter() const { return m_filter; }
    QLabel *status() const { return m_status; }
    QLabel *emptyState() const { return m_empty; }
    SourceList *sources() const { return m_sources; }
    DocumentPreview *preview() const { return m_preview; }
    int loadedCount() const;
    qint64 totalCount() const;
    bool isLoading() const;
    // The row listing this document, -1 when it is not listed.
    int rowOf(qint64 documentId) const;

    // Asked before deleting; answers whether to go on. The default shows a
    // question box; tests answer themselves.
    using Confirm = std::function<bool(const QString &question)>;
    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }
    void setLocalFileLookup(LocalFileLookup lookup);

    void refresh();  // the sources, and the listing from its first page
    void loadMore(); // the next page, when there is one and none is on its way
    void deleteSelected();
    // Selects and previews the document, fetching it when it is not listed
    // (for "Show document" elsewhere); switches no tab itself.
    void showDocument(qint64 documentId);

    static constexpr int kPageSize = 500;
    static constexpr int kFilterDelayMs = 250;

Q_SIGNALS:
    void listingStarted(); // a listing from its first page was asked for
    void pageListed();     // a page arrived and is listed

private:
    void relist(const QString &query, const QString &source);
    void listPage(const QList<QJsonObject> &documents, bool first);
    QTreeWidgetItem *addDocument(const QJsonObject &document);
    void applyFilterAtOnce();
    void applyFilterTo(QTreeWidgetItem *item) const;
    void filterOnTheService();
    void chooseSource(const QString &source);
    void selectShownDocument();
    void previewCurrent();
    void revealPreview();
    void finishDeletes(const QList<qint64> &deleted, int failed, const QString &firstError);
    void showStatus();
    void showEmptyState();
    void loadMoreIfNearTheEnd();

    ApiClient *m_api;
    SourceList *m_sources;
    QLineEdit *m_filter;
    QTreeWidget *m_documents;
    QLabel *m_empty;
    QStackedWidget *m_listArea;
    DocumentPreview *m_preview;
    QSplitter *m_split;
    QLabel *m_status;
    QTimer *m_filterDelay;
    Confirm m_confirm;

    // The listing on screen; its filter text is the service's, while what
    // the box shows filters the listed rows at once.
    DocumentPages *m_pages;
    QString m_problem;                  // the last delete's errors, kept until the next refresh
    BulkRequests *m_deleting = nullptr; // the deletes under way
    QJsonObject m_shown;                // from showDocument, listed again after a new listing
    qint64 m_wanted = 0;                // the newest showDocument: it wins over an older answer
};

} // namespace aether
