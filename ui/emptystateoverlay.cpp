#include "ui/emptystateoverlay.h"

#include <QAbstractItemView>
#include <QEvent>

namespace aether {

EmptyStateOverlay::EmptyStateOverlay(QAbstractItemView *view)
    : QLabel(view->viewport()), m_view(view)
{
    setObjectName(QStringLiteral("emptyState"));
    setAlignment(Qt::AlignCenter);
    setWordWrap(true);
    setTextInteractionFlags(Qt::NoTextInteraction);
    setAttribute(Qt::WA_TransparentForMouseEvents);
    setForegroundRole(QPalette::PlaceholderText);
    setContentsMargins(24, 24, 24, 24);
    view->viewport()->installEventFilter(this);
    QAbstractItemModel *model = view->model();
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(model, signal, this, &EmptyStateOverlay::follow);
    connect(model, &QAbstractItemModel::modelReset, this, &EmptyStateOverlay::follow);
    connect(model, &QAbstractItemModel::layoutChanged, this, &EmptyStateOverlay::follow);
    follow();
}

void EmptyStateOverlay::setMessage(const QString &text)
{
    setText(text);
    follow();
}

bool EmptyStateOverlay::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::Resize)
        setGeometry(m_view->viewport()->rect());
    return QLabel::eventFilter(watched, event);
}

void EmptyStateOverlay::follow()
{
    setGeometry(m_view->viewport()->rect());
    setVisible(!text().isEmpty() && m_view->model()->rowCount() == 0);
}

} // namespace aether
