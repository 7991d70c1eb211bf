#pragma once

#include <QLabel>

class QAbstractItemView;

namespace aether {

// A text drawn over an item view while it shows no rows: what to do on first
// launch, or that a filter matches nothing. Mouse events pass through to the
// view (drops, context menus).
class EmptyStateOverlay : public QLabel
{
    Q_OBJECT

public:
    explicit EmptyStateOverlay(QAbstractItemView *view);

    // Shown while the view's model has no rows; empty: never shown.
    void setMessage(const QString &text);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void follow();

    QAbstractItemView *m_view;
};

} // namespace aether
