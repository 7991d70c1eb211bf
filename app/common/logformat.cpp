#include "common/logformat.h"

#include <QByteArray>
#include <QMutex>
#include <QString>
#include <QThread>
#include <QWaitCondition>
#include <cstdio>
#include <unistd.h>

namespace aether {

namespace {

constexpr int kFlushIntervalMs = 50;
constexpr qsizetype kFlushThreshold = 64 * 1024;

class LogBuffer
{
public:
    void append(const QByteArray &line, bool urgent)
    {
        QMutexLocker locker(&m_lock);
        m_pending += line;
        if (urgent || m_pending.size() >= kFlushThreshold)
            writeLocked();
    }

    void flush()
    {
        QMutexLocker locker(&m_lock);
        writeLocked();
    }

private:
    void writeLocked()
    {
        qsizetype written = 0;
        while (written < m_pending.size()) {
            const ssize_t n = ::write(STDERR_FILENO, m_pending.constData() + written,
                                      size_t(m_pending.size() - written));
            if (n <= 0)
                break;
            written += n;
        }
        m_pending.clear();
    }

    QMutex m_lock;
    QByteArray m_pending;
};

// Never destroyed: the flusher thread and late log lines may outlive statics.
LogBuffer &buffer()
{
    static auto *instance = new LogBuffer;
    return *instance;
}

void handleMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const bool urgent = type == QtCriticalMsg || type == QtFatalMsg;
    buffer().append(qFormatLogMessage(type, context, message).toUtf8() + '\n', urgent);
}

} // namespace

void installLogFormat()
{
    qSetMessagePattern(
        QStringLiteral("%{time yyyy-MM-dd HH:mm:ss.zzz} "
                       "%{if-debug}DEBUG%{endif}%{if-info}INFO %{endif}%{if-warning}WARN "
                       "%{endif}%{if-critical}ERROR%{endif}%{if-fatal}FATAL%{endif} %{message}"));
    qInstallMessageHandler(handleMessage);
    auto *flusher = QThread::create([] {
        for (;;) {
            QThread::msleep(kFlushIntervalMs);
            buffer().flush();
        }
    });
    flusher->setObjectName(QStringLiteral("log-flusher"));
    flusher->start(); // runs for the life of the process
}

void flushLog()
{
    buffer().flush();
}

} // namespace aether
