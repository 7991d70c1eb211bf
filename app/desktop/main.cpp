// aether-ingest: the desktop program. The same service as aether-ingestd (REST
// server, worker threads, private redis-server without REDIS_URL) plus a
// window; without a display (or with --headless) it runs like aether-ingestd.
#include "common/ingestservice.h"
#include "common/logformat.h"
#include "common/signalwatcher.h"
#include "config/settingsloader.h"
#include "desktop/desktopsession.h"
#include "desktop/headlessrun.h"
#include "desktop/portchoice.h"
#include "desktop/singleinstance.h"
#include "ui/appicon.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QMessageBox>
#include <QStandardPaths>
#include <cstdio>

using namespace aether;

namespace {

const QString kProgram = QStringLiteral("aether-ingest");
const QString kHeadlessFlag = QStringLiteral("--headless");

int printAndExit(const QString &text, int code)
{
    std::fputs(qPrintable(text + QLatin1Char('\n')), code == 0 ? stdout : stderr);
    return code;
}

// QGuiApplication aborts when it cannot open a display, so look first.
bool displayAvailable()
{
    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (!environment.value(QStringLiteral("QT_QPA_PLATFORM")).isEmpty())
        return true;
#if defined(Q_OS_LINUX) || defined(Q_OS_FREEBSD)
    return !environment.value(QStringLiteral("DISPLAY")).isEmpty() ||
           !environment.value(QStringLiteral("WAYLAND_DISPLAY")).isEmpty();
#else
    return true;
#endif
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication::setApplicationName(kProgram);
    QCoreApplication::setApplicationVersion(QStringLiteral(AETHER_VERSION));
    const QString configFile =
        QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
        QStringLiteral("/aether-ingest/aether-ingest.conf");
    SettingsLoader::Result loaded;
    bool headless = false;
    QStringList arguments;
    const QString dataDir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                            QStringLiteral("/aether-ingest");
    const auto loadSettings = [&arguments, &dataDir, &configFile] {
        SettingsLoader::Result result = SettingsLoader::load(
            arguments, QProcessEnvironment::systemEnvironment(),
            QStringLiteral("Aether Ingest, desktop: a window over the REST API, Redis job "
                           "queue and ingest workers (the same service as aether-ingestd)."),
            dataDir, configFile);
        // The desktop program's user watches their own files, so the home
        // folder is open to tenant-bound keys by default (the service opens
        // none unless told). Their watches still never read hidden folders
        // (~/.ssh, ~/.config with this program's keys) nor the program's data
        // and store folders: WatchFence, at the add and at each scan.
        if (!result.settings.watchRoots)
            result.settings.watchRoots =
                QStandardPaths::writableLocation(QStandardPaths::HomeLocation);
        return result;
    };
    {
        // The options are read before a GUI is created: --help and a missing
        // display must not need one.
        QCoreApplication probe(argc, argv);
        arguments = probe.arguments();
        headless = arguments.removeAll(kHeadlessFlag) > 0;
        loaded = loadSettings();
    }
    switch (loaded.outcome) {
    case SettingsLoader::Outcome::ShowHelp:
        return printAndExit(loaded.message +
                                QStringLiteral("  --headless                  Run without a "
                                               "window, exactly like aether-ingestd.\n"),
                            0);
    case SettingsLoader::Outcome::ShowVersion:
        return printAndExit(kProgram + QLatin1Char(' ') + loaded.message, 0);
    case SettingsLoader::Outcome::Invalid:
        return printAndExit(kProgram + QStringLiteral(": ") + loaded.message, 2);
    case SettingsLoader::Outcome::Run:
        break;
    }
    if (QString error; !IngestService::checkOcrLanguages(loaded.settings, &error))
        return printAndExit(kProgram + QStringLiteral(": ") + error, 2);

    if (headless || !displayAvailable()) {
        if (!headless)
            std::fputs("aether-ingest: no display (DISPLAY and WAYLAND_DISPLAY are unset); "
                       "running without a window, like aether-ingestd\n",
                       stderr);
        QCoreApplication app(argc, argv);
        installLogFormat();
        useLogFormat(loaded.settings.logFormat);
        return runHeadless(loaded.settings, kProgram);
    }

    QApplication app(argc, argv);
    QApplication::setWindowIcon(applicationIcon());
    installLogFormat();
    useLogFormat(loaded.settings.logFormat);
    SingleInstance instance(loaded.settings.dataDir);
    if (!instance.acquire()) {
        QMessageBox::information(nullptr, QStringLiteral("Aether Ingest"),
                                 instance.alreadyRunningMessage());
        return printAndExit(
            kProgram + QStringLiteral(": already running (process %1)").arg(instance.holderPid()),
            0);
    }
    // The file the settings came from (--config or AETHER_CONFIG when given) is
    // the one the settings dialog writes.
    DesktopSession session(loaded.settings, loaded.settings.configFile.isEmpty()
                                                ? configFile
                                                : loaded.settings.configFile);
    session.setSettingsReader([&loadSettings](QString *error) -> std::optional<Settings> {
        const SettingsLoader::Result reloaded = loadSettings();
        if (reloaded.outcome == SettingsLoader::Outcome::Run)
            return reloaded.settings;
        *error = reloaded.message;
        return std::nullopt;
    });
    QString error;
    const auto choosePort = [](const QString &host, quint16 taken, quint16 free) {
        return askForOtherPort(nullptr, host, taken, free);
    };
    if (!session.start(choosePort, &error)) {
        flushLog();
        QMessageBox::critical(nullptr, QStringLiteral("Aether Ingest"),
                              QObject::tr("Aether Ingest could not start:\n\n%1").arg(error));
        return printAndExit(kProgram + QStringLiteral(": ") + error, 1);
    }
    session.window()->show();

    SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &SignalWatcher::terminationRequested, &app,
                     [](int signalNumber) {
                         qInfo("signal %d: shutting down", signalNumber);
                         QApplication::quit();
                     });
    const int code = QApplication::exec();
    session.stop();
    qInfo("stopped");
    flushLog();
    return code;
}
