#pragma once

#include <QString>

class QWidget;

namespace aether {

// Whether something already listens on host:port (so the REST server could not).
bool portIsTaken(const QString &host, quint16 port);
// A port nothing listens on right now at `host`; 0 when none could be found.
quint16 freePortOn(const QString &host);
// Asks whether to use `suggestion` (or another port) instead of the taken one;
// 0 when the user would rather quit.
quint16 askForOtherPort(QWidget *parent, const QString &host, quint16 taken, quint16 suggestion);

} // namespace aether
