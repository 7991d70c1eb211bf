#include "ui/watchfolderdialog.h"

#include "ui/apiclient.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace aether {

WatchFolderDialog::WatchFolderDialog(ApiClient *api, QWidget *parent)
    : QDialog(parent), m_api(api), m_folder(new QLineEdit(this)), m_patterns(new QLineEdit(this)),
      m_source(new QLineEdit(this)), m_problem(new QLabel(this))
{
    setWindowTitle(tr("Watch folder"));
    resize(560, 0);
    m_folder->setObjectName(QStringLiteral("watchFolderPath"));
    m_folder->setPlaceholderText(tr("The folder to keep in sync"));
    m_patterns->setObjectName(QStringLiteral("watchFolderPatterns"));
    m_patterns->setPlaceholderText(tr("e.g. *.md *.pdf (empty: every supported file)"));
    m_source->setObjectName(QStringLiteral("watchFolderSource"));
    m_source->setPlaceholderText(tr("default: the folder's name"));
    m_source->setMaxLength(200);
    m_problem->setObjectName(QStringLiteral("watchFolderProblem"));
    m_problem->setWordWrap(true);
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problem->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_problem->hide();

    auto *browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, &WatchFolderDialog::browse);
    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browse);
    auto *form = new QFormLayout;
    form->addRow(tr("Folder"), folderRow);
    form->addRow(tr("Include"), m_patterns);
    form->addRow(tr("Source"), m_source);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_watch = buttons->button(QDialogButtonBox::Ok);
    m_watch->setText(tr("Watch"));
    m_watch->setEnabled(false);
    connect(m_folder, &QLineEdit::textChanged, this,
            [this](const QString &text) { m_watch->setEnabled(!text.trimmed().isEmpty()); });
    // The dialog stays open until the service answers: OK does not accept by itself.
    connect(buttons, &QDialogButtonBox::accepted, this, &WatchFolderDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *hint = new QLabel(tr("New and changed files are queued, deleted ones removed from the "
                               "store; changes made while Aether Ingest was closed are caught at "
                               "the next start."),
                            this);
    hint->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
}

QStringList WatchFolderDialog::patternsFrom(const QString &text)
{
    static const QRegularExpression separators(QStringLiteral("[\\s,;]+"));
    return text.split(separators, Qt::SkipEmptyParts);
}

void WatchFolderDialog::browse()
{
    const QString folder = m_chooser.chooseFolder(this, tr("Watch folder"));
    if (!folder.isEmpty())
        m_folder->setText(QDir::toNativeSeparators(folder));
}

// A stat of one path: quick enough for the GUI thread, unlike walking the folder.
QString WatchFolderDialog::localProblem() const
{
    const QString path = QDir::fromNativeSeparators(m_folder->text().trimmed());
    if (path.isEmpty())
        return tr("Choose a folder to watch.");
    const QFileInfo info(path);
    if (!info.isAbsolute())
        return tr("Give the folder's full path (it starts with %1).").arg(QDir::rootPath());
    if (!info.exists())
        return tr("%1 does not exist.").arg(path);
    if (!info.isDir())
        return tr("%1 is a file, not a folder.").arg(path);
    if (!info.isReadable() || !info.isExecutable())
        return tr("%1 cannot be read (check its permissions).").arg(path);
    return {};
}

void WatchFolderDialog::showProblem(const QString &text)
{
    m_problem->setText(text);
    m_problem->setVisible(!text.isEmpty());
}

void WatchFolderDialog::submit()
{
    if (const QString problem = localProblem(); !problem.isEmpty()) {
        showProblem(problem);
        return;
    }
    showProblem(QString());
    const QString path =
        QFileInfo(QDir::fromNativeSeparators(m_folder->text().trimmed())).absoluteFilePath();
    QJsonObject body{{QStringLiteral("path"), path}};
    if (const QStringList patterns = patternsFrom(m_patterns->text()); !patterns.isEmpty())
        body.insert(QStringLiteral("patterns"), QJsonArray::fromStringList(patterns));
    if (const QString source = m_source->text().trimmed(); !source.isEmpty())
        body.insert(QStringLiteral("source"), source);
    m_watch->setEnabled(false); // one request at a time
    m_api->addWatch(body, this, [this, path](const ApiAnswer &answer) {
        m_watch->setEnabled(true);
        if (!answer.ok()) {
            showProblem(tr("Not watched: %1").arg(answer.error));
            return;
        }
        FileChooser::rememberFolder(path);
        Q_EMIT watchAdded(path);
        accept();
    });
}

} // namespace aether
