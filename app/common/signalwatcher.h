#pragma once

#include <QObject>

class QSocketNotifier;

namespace aether {

// Turns SIGINT and SIGTERM into a Qt signal on the main thread (through a
// socket pair: only write() is safe inside a signal handler), so the programs
// stop their workers and private Redis cleanly.
class SignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit SignalWatcher(QObject *parent = nullptr);

Q_SIGNALS:
    void terminationRequested(int signalNumber);

private:
    void readSignal();
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace aether
