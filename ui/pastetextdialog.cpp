#include "ui/pastetextdialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QVBoxLayout>

namespace aether {

PasteTextDialog::PasteTextDialog(const QString &text, const QString &source, QWidget *parent)
    : QDialog(parent), m_text(new QPlainTextEdit(text, this)), m_title(new QLineEdit(this)),
      m_source(new QLineEdit(source, this))
{
    setWindowTitle(tr("Paste text"));
    resize(600, 420);
    m_text->setPlaceholderText(tr("Paste or type the text to ingest"));
    m_title->setObjectName(QStringLiteral("pasteTitle"));
    m_title->setPlaceholderText(tr("optional: else the first words name it"));
    m_title->setMaxLength(300); // the API's limit
    m_source->setObjectName(QStringLiteral("pasteSource"));
    m_source->setPlaceholderText(tr("docs (the default)"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    QPushButton *queue = buttons->button(QDialogButtonBox::Ok);
    queue->setText(tr("Queue"));
    queue->setToolTip(tr("Ctrl+Enter"));
    queue->setEnabled(!this->text().isEmpty());
    connect(m_text, &QPlainTextEdit::textChanged, this,
            [this, queue] { queue->setEnabled(!this->text().isEmpty()); });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // Enter inserts a line break in the text; Ctrl+Enter queues it.
    for (const QKeyCombination key : {Qt::CTRL | Qt::Key_Return, Qt::CTRL | Qt::Key_Enter}) {
        connect(new QShortcut(QKeySequence(key), this), &QShortcut::activated, this, [this] {
            if (!this->text().isEmpty())
                accept();
        });
    }
    auto *form = new QFormLayout;
    form->addRow(tr("Title"), m_title);
    form->addRow(tr("Source"), m_source);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_text, 1);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

QString PasteTextDialog::text() const
{
    return m_text->toPlainText().trimmed();
}

QString PasteTextDialog::title() const
{
    return m_title->text().trimmed();
}

QString PasteTextDialog::source() const
{
    return m_source->text().trimmed();
}

} // namespace aether
