#pragma once

#include <QDialog>

class QLineEdit;
class QPlainTextEdit;

namespace aether {

// "Paste text": a text to ingest as one text job, with its source. Ctrl+Enter
// queues it. Opens with a text the service refused before, so none is lost.
class PasteTextDialog : public QDialog
{
    Q_OBJECT

public:
    PasteTextDialog(const QString &text, const QString &source, QWidget *parent = nullptr);
    QString text() const;
    QString source() const;
    QString title() const; // empty: none given

private:
    QPlainTextEdit *m_text;
    QLineEdit *m_title;
    QLineEdit *m_source;
};

} // namespace aether
