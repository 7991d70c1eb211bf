#pragma once

#include <QDialog>

class QPlainTextEdit;

namespace aether {

// "Paste text": a text to ingest as one text job.
class PasteTextDialog : public QDialog
{
    Q_OBJECT

public:
    explicit PasteTextDialog(QWidget *parent = nullptr);
    QString text() const;

private:
    QPlainTextEdit *m_text;
};

} // namespace aether
