#include "common/logformat.h"

#include "base/logcontext.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QThread>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iterator>
#include <sys/stat.h>
#include <unistd.h>

namespace aether {

namespace {

constexpr int kFlushIntervalMs = 50;
constexpr qsizetype kFlushThreshold = 64 * 1024;

void writeAll(const char *data, qsizetype size)
{
    qsizetype written = 0;
    while (written < size) {
        const ssize_t n = ::write(STDERR_FILENO, data + written, size_t(size - written));
        if (n <= 0)
            break;
        written += n;
    }
}

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

    // From a fatal signal's handler: the lock may be held by the thread that
    // crashed, so only a free lock is taken (an uncontended QMutex is one
    // atomic exchange); the bytes are then written with write(2), which is
    // async-signal-safe.
    void flushFromSignal()
    {
        if (!m_lock.tryLock())
            return;
        writeAll(m_pending.constData(), m_pending.size());
        m_pending.clear();
        m_lock.unlock();
    }

private:
    void writeLocked()
    {
        writeAll(m_pending.constData(), m_pending.size());
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

enum class Format
{
    Text,
    Json
};

std::atomic<Format> g_format{Format::Text};
bool g_journal = false; // set once, before the handler is installed

// systemd sets JOURNAL_STREAM to "device:inode" of the stream it connected
// to stderr; a child whose stderr was redirected inherits the variable, so
// it counts only when it names our stderr (systemd.exec(5)).
bool stderrIsJournal()
{
    const QByteArray stream = qgetenv("JOURNAL_STREAM");
    struct stat status
    {
    };
    if (stream.isEmpty() || fstat(STDERR_FILENO, &status) != 0)
        return false;
    return stream == QByteArray::number(quint64(status.st_dev)) + ':' +
                         QByteArray::number(quint64(status.st_ino));
}

// "2026-11-28T12:00:00.123Z": UTC, so lines from hosts in other time zones
// sort together. Written by hand rather than with QDateTime: a busy worker
// logs two lines per job, and building a QDateTime per line was 5% of its time.
void appendTimestamp(QByteArray &line)
{
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    // The date and time of day change once a second; each thread keeps its own.
    thread_local time_t cachedSecond = -1;
    thread_local char secondText[24] = {};
    if (now.tv_sec != cachedSecond) {
        tm utc{};
        gmtime_r(&now.tv_sec, &utc);
        strftime(secondText, sizeof secondText, "%Y-%m-%dT%H:%M:%S", &utc);
        cachedSecond = now.tv_sec;
    }
    char millis[8];
    std::snprintf(millis, sizeof millis, ".%03dZ", int(now.tv_nsec / 1000000));
    line.append(secondText).append(millis);
}

// How each level is written: in a text line, in a JSON line, and as the
// syslog(3) priority journald reads from a "<N>" prefix.
struct Level
{
    const char *text;
    const char *name;
    char priority;
};

const Level &levelOf(QtMsgType type)
{
    // In QtMsgType's order: debug, warning, critical, fatal, info.
    static constexpr Level kLevels[] = {{"DEBUG ", "debug", '7'},
                                        {"WARN  ", "warning", '4'},
                                        {"ERROR ", "error", '3'},
                                        {"FATAL ", "fatal", '2'},
                                        {"INFO  ", "info", '6'}};
    const auto index = std::size_t(type);
    return index < std::size(kLevels) ? kLevels[index] : kLevels[QtInfoMsg];
}

QByteArray jsonLine(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    QByteArray time;
    appendTimestamp(time);
    QJsonObject object{{QStringLiteral("time"), QString::fromLatin1(time)},
                       {QStringLiteral("level"), QLatin1String(levelOf(type).name)},
                       {QStringLiteral("message"), message}};
    if (context.category && qstrcmp(context.category, "default") != 0)
        object.insert(QStringLiteral("category"), QLatin1String(context.category));
    const LogContext &about = threadLogContext();
    if (!about.worker.isEmpty())
        object.insert(QStringLiteral("worker"), QString::fromUtf8(about.worker));
    if (!about.jobId.isEmpty())
        object.insert(QStringLiteral("job_id"), QString::fromUtf8(about.jobId));
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// Under journald every line of a message needs the prefix: journald splits
// at newlines and would give the later lines the default priority.
QByteArray journalLines(QtMsgType type, const QByteArray &text)
{
    const char prefix[] = {'<', levelOf(type).priority, '>'};
    QByteArray lines;
    lines.reserve(text.size() + 8);
    for (const QByteArray &line : text.split('\n'))
        lines.append(prefix, sizeof prefix).append(line).append('\n');
    return lines;
}

void handleMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const bool urgent = type == QtCriticalMsg || type == QtFatalMsg;
    if (g_format.load(std::memory_order_relaxed) == Format::Json) {
        const QByteArray line = jsonLine(type, context, message);
        buffer().append(g_journal ? journalLines(type, line) : line + '\n', urgent);
        return;
    }
    if (g_journal) {
        buffer().append(journalLines(type, message.toUtf8()), urgent);
        return;
    }
    QByteArray line;
    line.reserve(32 + message.size() * 3);
    appendTimestamp(line);
    line.append(' ').append(levelOf(type).text).append(message.toUtf8()).append('\n');
    buffer().append(line, urgent);
}

// A crash loses no line: what is buffered is written, then a last line says
// which signal ended the process, and the signal's default action (a core
// dump) follows, as SA_RESETHAND restored it.
void onFatalSignal(int signalNumber)
{
    buffer().flushFromSignal();
    char line[64];
    const int length = std::snprintf(line, sizeof line, "%sFATAL signal %d: the process dies\n",
                                     g_journal ? "<2>" : "", signalNumber);
    if (length > 0)
        writeAll(line, qMin<qsizetype>(length, qsizetype(sizeof line) - 1));
    std::raise(signalNumber);
}

void installFatalSignalHandlers()
{
    struct sigaction action
    {
    };
    action.sa_handler = onFatalSignal;
    action.sa_flags = SA_RESETHAND | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    for (const int signalNumber : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT})
        sigaction(signalNumber, &action, nullptr);
}

} // namespace

void installLogFormat()
{
    g_journal = stderrIsJournal();
    useLogFormat(QString::fromLocal8Bit(qgetenv("LOG_FORMAT")).trimmed().toLower());
    qInstallMessageHandler(handleMessage);
    installFatalSignalHandlers();
    auto *flusher = QThread::create([] {
        for (;;) {
            QThread::msleep(kFlushIntervalMs);
            buffer().flush();
        }
    });
    flusher->setObjectName(QStringLiteral("log-flusher"));
    flusher->start(); // runs for the life of the process
}

void useLogFormat(const QString &format)
{
    g_format = format == QLatin1String("json") ? Format::Json : Format::Text;
}

void flushLog()
{
    buffer().flush();
}

} // namespace aether
