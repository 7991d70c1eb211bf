#include "ui/addcontentpanel.h"

#include "ui/apiclient.h"
#include "ui/dropzone.h"
#include "ui/jobrecord.h"

#include "text/excerpt.h"
#include "ui/pastetextdialog.h"
#include "ui/urllist.h"

#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTextCursor>
#include <QTextDocument>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace aether {

namespace {

constexpr int kListedSkipped = 5; // unsupported files named in the message

// "1 file", "3 files": the untranslated tr("%n file(s)") would show "(s)".
QString counted(int count, const char *one, const char *many)
{
    return QStringLiteral("%1 %2").arg(count).arg(QLatin1String(count == 1 ? one : many));
}

// Under one of `folders` (absolute paths), so a watch of it sees the file.
bool insideAny(const QString &file, const QStringList &folders)
{
    for (const QString &folder : folders) {
        if (file.startsWith(folder + QLatin1Char('/')))
            return true;
    }
    return false;
}

QString fileNames(const QStringList &paths, int most)
{
    QStringList names;
    for (const QString &path : paths.mid(0, most))
        names.append(QFileInfo(path).fileName());
    QString text = names.join(QStringLiteral(", "));
    if (paths.size() > most)
        text += QStringLiteral(", …");
    return text;
}

// What the user reads about files nothing is done with, and why.
QString skippedText(const QStringList &unsupported)
{
    if (unsupported.isEmpty())
        return {};
    return QStringLiteral("Skipped %1: %2 (not a document type Aether Ingest reads)")
        .arg(counted(int(unsupported.size()), "unsupported file", "unsupported files"),
             fileNames(unsupported, kListedSkipped));
}

} // namespace

AddContentPanel::AddContentPanel(ApiClient *api, QWidget *parent)
    : QWidget(parent), m_api(api), m_dropZone(new DropZone(this)), m_urls(new QPlainTextEdit(this)),
      m_source(new QLineEdit(this)), m_priority(new QComboBox(this)),
      m_pendingBar(new QWidget(this)), m_pendingText(new QLabel(this)), m_message(new QLabel(this))
{
    m_source->setObjectName(QStringLiteral("sourceField"));
    m_source->setPlaceholderText(tr("default: uploads, web or docs"));
    m_source->setMaxLength(200);
    m_priority->addItem(tr("Default priority"), QStringLiteral("default"));
    m_priority->addItem(tr("High priority"), QStringLiteral("high"));
    m_priority->addItem(tr("Low priority"), QStringLiteral("low"));
    m_message->setObjectName(QStringLiteral("addMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();

    auto *options = new QHBoxLayout;
    options->addWidget(new QLabel(tr("Source:"), this));
    options->addWidget(m_source, 1);
    options->addWidget(m_priority);
    auto *boxes = new QHBoxLayout;
    boxes->addWidget(createFilesBox(), 1);
    boxes->addWidget(createUrlsBox(), 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(boxes);
    layout->addWidget(m_pendingBar);
    layout->addLayout(options);
    layout->addWidget(m_message);
    connect(m_dropZone, &DropZone::pathsDropped, this, &AddContentPanel::collectPaths);
}

QWidget *AddContentPanel::createFilesBox()
{
    auto *box = new QGroupBox(tr("Files and folders"), this);
    auto *addFiles = new QPushButton(tr("Add files…"), box);
    addFiles->setToolTip(tr("Ctrl+O"));
    connect(addFiles, &QPushButton::clicked, this, &AddContentPanel::chooseFiles);
    auto *addFolder = new QPushButton(tr("Add folder…"), box);
    addFolder->setObjectName(QStringLiteral("addFolderButton"));
    addFolder->setToolTip(tr("Queue every supported file under a folder once"));
    connect(addFolder, &QPushButton::clicked, this, &AddContentPanel::chooseFolder);
    auto *paste = new QPushButton(tr("Paste text…"), box);
    connect(paste, &QPushButton::clicked, this, &AddContentPanel::pasteText);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(addFiles);
    buttons->addWidget(addFolder);
    buttons->addWidget(paste);
    buttons->addStretch(1);
    auto *layout = new QVBoxLayout(box);
    layout->addWidget(m_dropZone, 1);
    layout->addLayout(buttons);

    m_pendingBar->setObjectName(QStringLiteral("pendingBar"));
    m_pendingText->setObjectName(QStringLiteral("pendingText"));
    m_pendingText->setWordWrap(true);
    auto *queue = new QPushButton(tr("Queue"), m_pendingBar);
    queue->setObjectName(QStringLiteral("queuePendingButton"));
    queue->setDefault(true);
    connect(queue, &QPushButton::clicked, this, &AddContentPanel::queuePendingFiles);
    m_keepInSync = new QPushButton(tr("Keep in sync"), m_pendingBar);
    m_keepInSync->setObjectName(QStringLiteral("keepInSyncButton"));
    m_keepInSync->setToolTip(tr("Watch the dropped folders: new and changed files are queued, "
                                "deleted ones removed from the store"));
    connect(m_keepInSync, &QPushButton::clicked, this, &AddContentPanel::keepPendingFoldersInSync);
    auto *discard = new QPushButton(tr("Discard"), m_pendingBar);
    connect(discard, &QPushButton::clicked, this, &AddContentPanel::discardPendingFiles);
    auto *pending = new QHBoxLayout(m_pendingBar);
    pending->setContentsMargins(0, 0, 0, 0);
    pending->addWidget(m_pendingText, 1);
    pending->addWidget(queue);
    pending->addWidget(m_keepInSync);
    pending->addWidget(discard);
    m_pendingBar->hide();
    return box;
}

QWidget *AddContentPanel::createUrlsBox()
{
    auto *box = new QGroupBox(tr("Web pages"), this);
    m_urls->setObjectName(QStringLiteral("urlBox"));
    m_urls->setPlaceholderText(tr("One URL per line (Ctrl+L)\nhttps://example.com/docs"));
    m_urls->setTabChangesFocus(true);
    auto *add = new QPushButton(tr("Add URLs"), box);
    add->setObjectName(QStringLiteral("addUrlsButton"));
    connect(add, &QPushButton::clicked, this, &AddContentPanel::queueUrls);
    auto *layout = new QVBoxLayout(box);
    layout->addWidget(m_urls, 1);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(add);
    layout->addLayout(buttons);
    return box;
}

QString AddContentPanel::source() const
{
    return m_source->text().trimmed();
}

QString AddContentPanel::priority() const
{
    return m_priority->currentData().toString();
}

void AddContentPanel::showMessage(const QString &text, bool problem)
{
    m_message->setStyleSheet(problem ? QStringLiteral("color: #c62828;") : QString());
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
    if (!text.isEmpty())
        Q_EMIT message(text);
}

void AddContentPanel::chooseFiles()
{
    const QStringList files = m_chooser.chooseFiles(this, tr("Add files"));
    if (!files.isEmpty())
        collectPaths(files);
}

void AddContentPanel::chooseFolder()
{
    const QString folder = m_chooser.chooseFolder(this, tr("Add folder"));
    if (!folder.isEmpty())
        collectPaths({folder});
}

// Walking folders and sniffing file types reads the disk: done on a pool thread.
void AddContentPanel::collectPaths(const QStringList &paths)
{
    showMessage(QStringLiteral("Looking at %1…")
                    .arg(counted(int(paths.size()), "dropped item", "dropped items")),
                false);
    auto *watcher = new QFutureWatcher<FileCollection>(this);
    connect(watcher, &QFutureWatcher<FileCollection>::finished, this, [this, watcher] {
        const FileCollection found = watcher->result();
        watcher->deleteLater();
        m_pending.supported += found.supported;
        m_pending.unsupported += found.unsupported;
        m_pending.folders += found.folders;
        m_pending.supported.removeDuplicates();
        m_pending.unsupported.removeDuplicates();
        m_pending.folders.removeDuplicates();
        showMessage(QString(), false);
        showPending();
        Q_EMIT pendingFilesReady(int(m_pending.supported.size()),
                                 int(m_pending.unsupported.size()));
    });
    watcher->setFuture(QtConcurrent::run(&FileCollection::collect, paths));
}

void AddContentPanel::showPending()
{
    const int supported = int(m_pending.supported.size());
    const int unsupported = int(m_pending.unsupported.size());
    const int unsent = int(m_unsentFiles.size());
    QStringList parts;
    if (supported > unsent || unsent == 0)
        parts.append(QStringLiteral("<b>%1</b> ready to queue")
                         .arg(counted(supported - unsent, "file", "files")));
    if (unsent > 0)
        parts.append(QStringLiteral("<b>%1</b> not sent (%2): <b>Queue</b> tries again")
                         .arg(counted(unsent, "file", "files"), m_unsentReason.toHtmlEscaped()));
    QString text = parts.join(QStringLiteral("; "));
    if (unsupported > 0)
        text += QStringLiteral("; %1 unsupported skipped (%2)")
                    .arg(unsupported)
                    .arg(fileNames(m_pending.unsupported, kListedSkipped).toHtmlEscaped());
    m_pendingText->setText(text);
    m_keepInSync->setVisible(!m_pending.folders.isEmpty());
    m_pendingBar->setVisible(supported > 0 || unsupported > 0);
}

void AddContentPanel::keepPendingFoldersInSync()
{
    const FileCollection batch = m_pending;
    discardPendingFiles();
    // The watches see only what is inside their folders: the files dropped
    // beside them are queued here, once.
    QStringList loose;
    for (const QString &file : batch.supported) {
        if (!insideAny(file, batch.folders))
            loose.append(file);
    }
    uploadFiles(loose);
    const QString skipped = skippedText(batch.unsupported);
    if (!skipped.isEmpty())
        showMessage(skipped, false);
    for (const QString &folder : batch.folders) {
        QJsonObject body{{QStringLiteral("path"), folder}};
        if (!source().isEmpty())
            body.insert(QStringLiteral("source"), source());
        m_api->addWatch(body, this, [this, folder, skipped](const ApiAnswer &answer) {
            if (!answer.ok()) {
                showMessage(tr("Could not watch %1: %2").arg(folder, answer.error), true);
                return;
            }
            QString text = tr("Keeping %1 in sync: its files are being queued").arg(folder);
            if (!skipped.isEmpty())
                text += QStringLiteral(". ") + skipped;
            showMessage(text, false);
            Q_EMIT folderWatched(folder);
        });
    }
}

void AddContentPanel::discardPendingFiles()
{
    m_pending = {};
    m_unsentFiles.clear();
    m_unsentReason.clear();
    m_pendingBar->hide();
}

void AddContentPanel::queuePendingFiles()
{
    const FileCollection batch = m_pending;
    discardPendingFiles();
    uploadFiles(batch.supported);
    const QString skipped = skippedText(batch.unsupported);
    if (!skipped.isEmpty())
        showMessage(skipped, false);
}

void AddContentPanel::uploadFiles(const QStringList &paths)
{
    if (paths.isEmpty())
        return;
    const QString label =
        counted(int(paths.size()), "file", "files") + QStringLiteral(" #%1").arg(++m_batchCounter);
    Q_EMIT batchStarted(label, int(paths.size()));
    for (const QString &path : paths) {
        m_api->uploadFile(
            path, source(), priority(), this, [this, path, label](const ApiAnswer &answer) {
                submitted(answer, QStringLiteral("file"), QFileInfo(path).fileName(), path, label);
                // Offered again only when sending again can work: the service
                // was away, busy or failing, not when it refused this file.
                const bool passing =
                    answer.status == 0 || answer.status == 429 || answer.status >= 500;
                if (!answer.ok() && passing)
                    fileRefused(path, answer.error);
            });
    }
}

// Back into the confirmation bar, with the reason: "Queue" sends it again.
void AddContentPanel::fileRefused(const QString &path, const QString &reason)
{
    if (!m_pending.supported.contains(path)) {
        m_pending.supported.append(path);
        m_pending.supported.sort();
    }
    if (!m_unsentFiles.contains(path))
        m_unsentFiles.append(path);
    m_unsentReason = reason;
    showPending();
}

void AddContentPanel::queueUrls()
{
    const UrlList list = UrlList::parse(m_urls->toPlainText());
    // Invalid lines stay in the box to be fixed; valid ones leave it, and come
    // back if the service refuses them.
    m_urls->setPlainText(list.invalidLines.join(QLatin1Char('\n')));
    m_urlProblems = list.problems;
    if (!list.problems.isEmpty())
        showMessage(counted(int(list.problems.size()), "line", "lines") +
                        QStringLiteral(" not queued:\n") + list.problems.join(QLatin1Char('\n')),
                    true);
    else
        showMessage(QString(), false);
    if (list.valid.isEmpty())
        return;
    const QString label = counted(int(list.valid.size()), "URL", "URLs") +
                          QStringLiteral(" #%1").arg(++m_batchCounter);
    Q_EMIT batchStarted(label, int(list.valid.size()));
    for (const QUrl &url : list.valid) {
        QJsonObject body{{QStringLiteral("url"), url.toString()},
                         {QStringLiteral("priority"), priority()}};
        if (!source().isEmpty())
            body.insert(QStringLiteral("source"), source());
        const QString shown = url.toString();
        m_api->enqueueUrl(body, this, [this, shown, label](const ApiAnswer &answer) {
            submitted(answer, QStringLiteral("url"), shown, QString(), label);
            if (!answer.ok())
                urlRefused(shown, answer.error);
        });
    }
}

void AddContentPanel::urlRefused(const QString &url, const QString &reason)
{
    bool present = false;
    for (const QString &line : m_urls->toPlainText().split(QLatin1Char('\n')))
        present |= line.trimmed() == url;
    if (!present) {
        // Refusals can come seconds later, while the user types: a cursor of
        // our own appends the line, the user's cursor and lines stay as they are.
        const QTextCursor user = m_urls->textCursor();
        const int anchor = user.anchor();
        const int position = user.position();
        QTextCursor end(m_urls->document());
        end.movePosition(QTextCursor::End);
        const bool needsBreak =
            !m_urls->document()->isEmpty() && !m_urls->toPlainText().endsWith(QLatin1Char('\n'));
        end.insertText(needsBreak ? QLatin1Char('\n') + url : url);
        if (user.anchor() != anchor || user.position() != position) {
            QTextCursor restored(m_urls->document());
            restored.setPosition(anchor);
            restored.setPosition(position, QTextCursor::KeepAnchor);
            m_urls->setTextCursor(restored);
        }
    }
    m_urlProblems.append(QStringLiteral("'%1': %2").arg(url, reason));
    showMessage(counted(int(m_urlProblems.size()), "line", "lines") +
                    QStringLiteral(" not queued:\n") + m_urlProblems.join(QLatin1Char('\n')),
                true);
}

void AddContentPanel::pasteText()
{
    PasteTextDialog dialog(m_unsentTexts.value(0), source(), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    // The offered text is being queued, edited or not: it is no longer unsent
    // (a refusal of what is queued now puts that back in the list).
    if (!m_unsentTexts.isEmpty())
        m_unsentTexts.removeFirst();
    queueText(dialog.text(), dialog.source(), dialog.title());
}

void AddContentPanel::queueText(const QString &text, const QString &sourceOverride,
                                const QString &title)
{
    if (text.trimmed().isEmpty())
        return;
    const QString label = tr("text #%1").arg(++m_batchCounter);
    Q_EMIT batchStarted(label, 1);
    QJsonObject body{{QStringLiteral("text"), text}, {QStringLiteral("priority"), priority()}};
    const QString textSource = sourceOverride.isEmpty() ? source() : sourceOverride;
    if (!textSource.isEmpty())
        body.insert(QStringLiteral("source"), textSource);
    if (!title.isEmpty())
        body.insert(QStringLiteral("title"), title);
    const QString shown = title.isEmpty() ? firstWords(text) : title;
    m_api->enqueueText(body, this, [this, shown, label, text](const ApiAnswer &answer) {
        submitted(answer, QStringLiteral("text"), shown, QString(), label);
        if (answer.ok()) {
            m_unsentTexts.removeAll(text);
            return;
        }
        if (!m_unsentTexts.contains(text))
            m_unsentTexts.append(text); // never lost: "Paste text" opens with it again
        const QString again =
            m_unsentTexts.size() == 1
                ? tr("Paste text (Ctrl+Shift+V) opens it again.")
                : tr("%1 texts wait to be sent: Paste text (Ctrl+Shift+V) opens them one by one.")
                      .arg(m_unsentTexts.size());
        showMessage(tr("'%1' was not queued: %2. %3").arg(shown, answer.error, again), true);
    });
}

void AddContentPanel::submitted(const ApiAnswer &answer, const QString &type, const QString &name,
                                const QString &localPath, const QString &batch)
{
    const QString id = answer.json.value(QStringLiteral("job_id")).toString();
    if (!answer.ok() || id.isEmpty()) {
        showMessage(tr("%1 was not queued: %2").arg(name, answer.error), true);
        Q_EMIT batchJobSubmitted(batch, QString());
        return;
    }
    Q_EMIT jobSubmitted(id, type, name, answer.json.value(QStringLiteral("source")).toString(),
                        localPath);
    Q_EMIT batchJobSubmitted(batch, id);
}

void AddContentPanel::focusUrlBox()
{
    m_urls->setFocus();
}

} // namespace aether
