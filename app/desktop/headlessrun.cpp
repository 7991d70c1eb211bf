#include "desktop/headlessrun.h"

#include "common/ingestservice.h"
#include "common/logformat.h"
#include "common/signalwatcher.h"

#include <QCoreApplication>
#include <cstdio>

namespace aether {

int runHeadless(const Settings &settings, const QString &programName)
{
    IngestService service(settings);
    QString error;
    if (!service.start(&error)) {
        flushLog();
        std::fputs(qPrintable(programName + QStringLiteral(": ") + error + QLatin1Char('\n')),
                   stderr);
        return 1;
    }
    SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &SignalWatcher::terminationRequested,
                     QCoreApplication::instance(), [](int signalNumber) {
                         qInfo("signal %d: shutting down", signalNumber);
                         QCoreApplication::quit();
                     });
    const int code = QCoreApplication::exec();
    service.stop();
    qInfo("stopped");
    flushLog();
    return code;
}

} // namespace aether
