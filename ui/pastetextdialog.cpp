#include "ui/pastetextdialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace aether {

PasteTextDialog::PasteTextDialog(QWidget *parent)
    : QDialog(parent), m_text(new QPlainTextEdit(this))
{
    setWindowTitle(tr("Paste text"));
    resize(600, 420);
    m_text->setPlaceholderText(tr("Paste or type the text to ingest"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Queue"));
    buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    connect(m_text, &QPlainTextEdit::textChanged, this, [this, buttons] {
        buttons->button(QDialogButtonBox::Ok)->setEnabled(!text().isEmpty());
    });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_text, 1);
    layout->addWidget(buttons);
}

QString PasteTextDialog::text() const
{
    return m_text->toPlainText().trimmed();
}

} // namespace aether
