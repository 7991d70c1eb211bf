#include "ui/dropzone.h"

#include <QDragEnterEvent>
#include <QLabel>
#include <QMimeData>
#include <QVBoxLayout>

namespace aether {

namespace {

QStringList localPaths(const QMimeData *mime)
{
    QStringList paths;
    if (!mime || !mime->hasUrls())
        return paths;
    for (const QUrl &url : mime->urls()) {
        if (url.isLocalFile())
            paths.append(url.toLocalFile());
    }
    return paths;
}

} // namespace

DropZone::DropZone(QWidget *parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("dropZone"));
    setAcceptDrops(true);
    setMinimumHeight(90);
    auto *label = new QLabel(tr("<b>Drop files or folders here</b><br>folders are searched "
                                "recursively; only supported types are queued"),
                             this);
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(label);
    setHovered(false);
}

void DropZone::setHovered(bool hovered)
{
    setStyleSheet(QStringLiteral("#dropZone { border: 2px dashed %1; border-radius: 8px; "
                                 "background: %2; }")
                      .arg(hovered ? QStringLiteral("#1e88e5") : QStringLiteral("#9aa5b1"),
                           hovered ? QStringLiteral("#e3f2fd") : QStringLiteral("transparent")));
}

void DropZone::dragEnterEvent(QDragEnterEvent *event)
{
    if (localPaths(event->mimeData()).isEmpty())
        return;
    setHovered(true);
    event->acceptProposedAction();
}

void DropZone::dragLeaveEvent(QDragLeaveEvent *)
{
    setHovered(false);
}

void DropZone::dropEvent(QDropEvent *event)
{
    setHovered(false);
    const QStringList paths = localPaths(event->mimeData());
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    Q_EMIT pathsDropped(paths);
}

} // namespace aether
