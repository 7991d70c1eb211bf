#include "common/logformat.h"

#include <QByteArray>
#include <QMutex>
#include <QString>
#include <QThread>
#include <QWaitCondition>
#include <cstdio>
#include <ctime>
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

// "2026-11-28 12:00:00.123 ": the local time, as the lines have always shown
// it. Written by hand rather than with qFormatLogMessage's %{time}, which
// builds a local QDateTime (a time zone lookup) for every line: a busy worker
// logs two lines per job, and that lookup was 5% of its time.
void appendTimestamp(QByteArray &line)
{
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    // The date and time of day change once a second; each thread keeps its own.
    thread_local time_t cachedSecond = -1;
    thread_local char secondText[24] = {};
    if (now.tv_sec != cachedSecond) {
        tm local{};
        localtime_r(&now.tv_sec, &local);
        strftime(secondText, sizeof secondText, "%Y-%m-%d %H:%M:%S", &local);
        cachedSecond = now.tv_sec;
    }
    char millis[8];
    std::snprintf(millis, sizeof millis, ".%03d ", int(now.tv_nsec / 1000000));
    line.append(secondText).append(millis);
}

const char *levelText(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return "DEBUG ";
    case QtInfoMsg:
        return "INFO  ";
    case QtWarningMsg:
        return "WARN  ";
    case QtCriticalMsg:
        return "ERROR ";
    case QtFatalMsg:
        return "FATAL ";
    }
    return "";
}

void handleMessage(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    const bool urgent = type == QtCriticalMsg || type == QtFatalMsg;
    QByteArray line;
    line.reserve(32 + message.size() * 3);
    appendTimestamp(line);
    line.append(levelText(type)).append(message.toUtf8()).append('\n');
    buffer().append(line, urgent);
}

} // namespace

void installLogFormat()
{
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
