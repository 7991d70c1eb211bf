// aether-ingestd: Aether Ingest without a window. The REST server, the worker
// threads and (without REDIS_URL) a private redis-server; --no-server runs
// workers only, to scale out on any machine that reaches Redis and the store.
#include "access/accesspolicy.h"
#include "common/ingestservice.h"
#include "common/liveservices.h"
#include "common/logformat.h"
#include "common/servicemanagernotifier.h"
#include "common/signalwatcher.h"
#include "config/settingsloader.h"

#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>
#include <cstdio>

using namespace aether;

namespace {

int printAndExit(const QString &text, int code)
{
    std::fputs(qPrintable(text + QLatin1Char('\n')), code == 0 ? stdout : stderr);
    return code;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("aether-ingest"));
    QCoreApplication::setApplicationVersion(QStringLiteral(AETHER_VERSION));
    installLogFormat();

    const QString dataDir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                            QStringLiteral("/aether-ingest");
    const QString configFile =
        QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
        QStringLiteral("/aether-ingest/aether-ingest.conf");
    const SettingsLoader::Result loaded = SettingsLoader::load(
        app.arguments(), QProcessEnvironment::systemEnvironment(),
        QStringLiteral("Aether Ingest, headless: REST API, Redis job queue and ingest workers."),
        dataDir, configFile);
    switch (loaded.outcome) {
    case SettingsLoader::Outcome::ShowHelp:
        return printAndExit(loaded.message, 0);
    case SettingsLoader::Outcome::ShowVersion:
        return printAndExit(QStringLiteral("aether-ingestd ") + loaded.message, 0);
    case SettingsLoader::Outcome::Invalid:
        return printAndExit(QStringLiteral("aether-ingestd: ") + loaded.message, 2);
    case SettingsLoader::Outcome::Run:
        break;
    }
    useLogFormat(loaded.settings.logFormat);

    if (loaded.settings.runsAsSystemService()) {
        const QString use =
            AccessPolicy::developmentKeyUse(loaded.settings.apiKeys, loaded.settings.adminKey);
        if (!use.isEmpty())
            return printAndExit(
                QStringLiteral("aether-ingestd: running as a system service, but %1: refused. Set "
                               "API_KEYS and ADMIN_KEY in /etc/aether-ingest/aether-ingestd.env "
                               "(SYSTEM_SERVICE=no runs it as a development server)")
                    .arg(use),
                2);
    }
    QString error;
    if (!LiveServices::checkDefaultWebhooks(loaded.settings, &error) ||
        !IngestService::checkOcrLanguages(loaded.settings, &error))
        return printAndExit(QStringLiteral("aether-ingestd: ") + error, 2);
    IngestService service(loaded.settings);
    if (!service.start(&error)) {
        flushLog();
        return printAndExit(QStringLiteral("aether-ingestd: ") + error, 1);
    }

    ServiceManagerNotifier serviceManager;
    serviceManager.ready(service.port() ? QStringLiteral("serving on port %1").arg(service.port())
                                        : QStringLiteral("workers only (--no-server)"));
    SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &SignalWatcher::terminationRequested, &app,
                     [&app, &serviceManager](int signalNumber) {
                         qInfo("signal %d: shutting down", signalNumber);
                         serviceManager.stopping();
                         app.quit();
                     });
    const int code = app.exec();
    service.stop();
    qInfo("stopped");
    flushLog();
    return code;
}
