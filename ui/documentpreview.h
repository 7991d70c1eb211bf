#pragma once

#include "ui/documentdescription.h"

#include <QJsonObject>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace aether {

class ApiClient;

// The Documents tab's preview: one document's metadata line and its stored
// text (GET /knowledge/documents/{id}/text, fetched as it is shown; the
// newest document shown wins over an older answer), with "Open source" for
// its URL or local file.
class DocumentPreview : public QWidget
{
    Q_OBJECT

public:
    explicit DocumentPreview(ApiClient *api, QWidget *parent = nullptr);

    // What the preview asks for: reading, not megabytes parsed and laid out on
    // the GUI thread at each selection (the API gives up to 2 Mi characters).
    static constexpr int kPreviewCharacters = 200000;

    // Opens a URL outside the window; QDesktopServices::openUrl unless a test
    // sets its own.
    using Opener = std::function<bool(const QUrl &)>;
    void setOpener(Opener opener) { m_opener = std::move(opener); }
    void setLocalFileLookup(LocalFileLookup lookup) { m_lookup = std::move(lookup); }

    void show(const QJsonObject &document);
    void clear(); // back to the hint
    qint64 documentId() const { return m_documentId; }

    QLabel *metadata() const { return m_metadata; }
    QPlainTextEdit *textView() const { return m_text; }
    QPushButton *openButton() const { return m_open; }
    void openSource();

Q_SIGNALS:
    void textShown(qint64 documentId); // its text arrived, or why it did not

private:
    void showText(const QJsonObject &answer);
    void showDescription(const QString &note = {});

    ApiClient *m_api;
    QLabel *m_metadata;
    QPlainTextEdit *m_text;
    QPushButton *m_open;
    Opener m_opener;
    LocalFileLookup m_lookup;
    QJsonObject m_document;
    qint64 m_documentId = 0;
    int m_generation = 0;
};

} // namespace aether
