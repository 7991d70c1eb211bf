#include "desktop/desktopsession.h"

#include <QApplication>
#include <QFile>
#include <QMessageBox>
#include <QSaveFile>

#include "common/ingestservice.h"
#include "config/apikeylist.h"
#include "desktop/portchoice.h"
#include "ui/mainwindow.h"

#include <QHostAddress>

namespace aether {

namespace {

const QByteArray kDevelopmentKey = "test-key";
const QByteArray kDevelopmentAdminKey = "admin-secret-123";

// The address the window reaches the API at: a wildcard listen address is
// reached on loopback.
QString reachableHost(const QString &host)
{
    const QHostAddress address(host);
    if (host == QLatin1String("localhost") || address == QHostAddress::AnyIPv4)
        return QStringLiteral("127.0.0.1");
    if (address == QHostAddress::AnyIPv6)
        return QStringLiteral("::1");
    return host;
}

} // namespace

DesktopSession::DesktopSession(Settings settings, QString configFile)
    : m_settings(std::move(settings)), m_configFile(std::move(configFile))
{}

DesktopSession::~DesktopSession()
{
    stop();
}

ApiEndpoint DesktopSession::endpointFor(const Settings &settings, quint16 port)
{
    ApiEndpoint endpoint;
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(reachableHost(settings.host));
    url.setPort(port);
    endpoint.baseUrl = url;
    if (settings.apiKeys.trimmed().isEmpty()) {
        endpoint.apiKey = kDevelopmentKey;
        endpoint.adminKey =
            settings.adminKey.isEmpty() ? kDevelopmentAdminKey : settings.adminKey.toUtf8();
        return endpoint;
    }
    // Prefer an admin key (the job table needs /ops/*).
    int bestRank = -1;
    for (const ApiKeyEntry &entry : apiKeyEntries(settings.apiKeys)) {
        const int rank = entry.role == QLatin1String("admin")    ? 2
                         : entry.role == QLatin1String("editor") ? 1
                                                                 : 0;
        if (rank > bestRank) {
            bestRank = rank;
            endpoint.apiKey = entry.key.toUtf8();
        }
    }
    endpoint.adminKey = settings.adminKey.toUtf8();
    return endpoint;
}

bool DesktopSession::start(const PortChooser &chooser, QString *error)
{
    m_choosePort = chooser;
    m_configuredPort = m_settings.port;
    m_guiContext = std::make_unique<QObject>();
    m_serviceContext = std::make_unique<QObject>();
    m_serviceThread.setObjectName(QStringLiteral("service"));
    m_serviceContext->moveToThread(&m_serviceThread);
    m_serviceThread.start();
    bool started = choosePort(error);
    if (started)
        onServiceThreadAndWait([&] { started = launchService(error); });
    if (!started)
        return false;
    m_appliedFile = readConfigFile();
    m_window = std::make_unique<MainWindow>(serviceInfo());
    offerApplyOnSave();
    return true;
}

// On the GUI thread: the chooser may ask the user for another port.
bool DesktopSession::choosePort(QString *error)
{
    while (!m_settings.noServer && portIsTaken(m_settings.host, m_settings.port)) {
        const quint16 other = m_choosePort ? m_choosePort(m_settings.host, m_settings.port,
                                                          freePortOn(m_settings.host))
                                           : 0;
        if (other == 0) {
            *error = QStringLiteral("port %1 on %2 is already in use")
                         .arg(m_settings.port)
                         .arg(m_settings.host);
            return false;
        }
        m_settings.port = other;
    }
    return true;
}

bool DesktopSession::launchService(QString *error)
{
    m_service = std::make_unique<IngestService>(m_settings);
    if (!m_service->start(error)) {
        m_service.reset();
        return false;
    }
    return true;
}

void DesktopSession::onServiceThread(std::function<void()> work, std::function<void()> then)
{
    // The GUI context outlives every call posted here: stop() drains the
    // service thread before it deletes the context, and an answer posted to a
    // deleted context is dropped.
    QObject *gui = m_guiContext.get();
    QMetaObject::invokeMethod(
        m_serviceContext.get(),
        [gui, work = std::move(work), then = std::move(then)] {
            work();
            QMetaObject::invokeMethod(gui, then, Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void DesktopSession::onServiceThreadAndWait(const std::function<void()> &work)
{
    QMetaObject::invokeMethod(m_serviceContext.get(), work, Qt::BlockingQueuedConnection);
}

void DesktopSession::startServiceAsync(std::function<void(bool, const QString &)> then)
{
    QString error;
    if (!choosePort(&error)) {
        then(false, error);
        return;
    }
    auto result = std::make_shared<std::pair<bool, QString>>();
    onServiceThread([this, result] { result->first = launchService(&result->second); },
                    [result, then = std::move(then)] { then(result->first, result->second); });
}

ServiceInfo DesktopSession::serviceInfo() const
{
    ServiceInfo info;
    info.api = endpointFor(m_settings, m_service->port());
    info.api.windowToken = m_service->windowToken();
    info.redis = m_service->redisUrl();
    info.embeddedRedis = !m_settings.redis.has_value();
    info.workers = m_settings.workers;
    info.configFile = m_configFile;
    info.settings = m_settings;
    info.storeMismatch = m_service->embedderMismatch();
    return info;
}

void DesktopSession::offerApplyOnSave()
{
    if (!m_readSettings)
        return;
    m_window->setAppliesSettings(true);
    QObject::connect(m_window.get(), &MainWindow::settingsSaved, m_guiContext.get(), [this] {
        applySavedSettings([this](ApplyOutcome outcome, const QString &error) {
            if (outcome == ApplyOutcome::Applied) {
                m_window->showStatusMessage(QObject::tr("Settings applied"));
            } else if (outcome == ApplyOutcome::RolledBack) {
                m_window->showStatusMessage(QObject::tr("Settings not applied"));
                QMessageBox::warning(m_window.get(), QStringLiteral("Aether Ingest"),
                                     QObject::tr("The new settings could not be applied, so the "
                                                 "previous ones are back (and in the settings "
                                                 "file):\n\n%1")
                                         .arg(error));
            } else {
                QMessageBox::critical(
                    nullptr, QStringLiteral("Aether Ingest"),
                    QObject::tr("Aether Ingest could not start again:\n\n%1").arg(error));
                QApplication::quit();
            }
        });
    });
}

// A setting the service refuses (a malformed key list, a wildcard address
// without keys...) must not leave the program unable to start: the previous
// settings are restored, in the file too, and the service runs with them.
// Every step that waits (workers finishing, a hung Redis) runs on the service
// thread; the window stays usable and says it is applying.
void DesktopSession::applySavedSettings(ApplyDone done)
{
    if (m_applying) {
        m_applyAgain = true; // the file changed again: read it once this apply ends
        return;
    }
    QString error;
    std::optional<Settings> settings = m_readSettings(&error);
    if (!settings) {
        restoreConfigFile();
        finishApply(ApplyOutcome::RolledBack, error, done); // the service was never stopped
        return;
    }
    m_applying = true;
    // The port chosen at start when the configured one was taken stays, unless
    // the port setting itself was changed.
    if (settings->port == m_configuredPort)
        settings->port = m_settings.port;
    else
        m_configuredPort = settings->port;
    const Settings previous = m_settings;
    m_window->detachFromService();
    onServiceThread([this] { stopService(kApplyGraceMs); },
                    [this, next = *settings, previous, done] {
                        m_settings = next;
                        startServiceAsync([this, previous, done](bool started, const QString &why) {
                            if (!started) {
                                rollBack(previous, why, done);
                                return;
                            }
                            m_appliedFile = readConfigFile();
                            m_window->attachToService(serviceInfo());
                            finishApply(ApplyOutcome::Applied, QString(), done);
                        });
                    });
}

void DesktopSession::rollBack(const Settings &previous, const QString &error, ApplyDone done)
{
    restoreConfigFile();
    m_settings = previous;
    startServiceAsync([this, error, done](bool started, const QString &again) {
        if (!started) {
            finishApply(ApplyOutcome::Failed, error + QStringLiteral("\n") + again, done);
            return;
        }
        m_window->attachToService(serviceInfo());
        finishApply(ApplyOutcome::RolledBack, error, done);
    });
}

void DesktopSession::finishApply(ApplyOutcome outcome, const QString &error, const ApplyDone &done)
{
    m_applying = false;
    done(outcome, error);
    if (std::exchange(m_applyAgain, false) && outcome != ApplyOutcome::Failed)
        applySavedSettings(done);
}

QByteArray DesktopSession::readConfigFile() const
{
    QFile file(m_configFile);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void DesktopSession::restoreConfigFile()
{
    QSaveFile file(m_configFile);
    if (file.open(QIODevice::WriteOnly)) {
        file.write(m_appliedFile);
        file.commit();
    }
}

void DesktopSession::stopService(int graceMs)
{
    if (m_service) {
        m_service->stop(graceMs);
        m_service.reset();
    }
}

void DesktopSession::stop()
{
    m_window.reset();
    if (!m_serviceThread.isRunning())
        return;
    // Queued behind any apply still under way, so that one ends first.
    onServiceThreadAndWait([this] { stopService(m_settings.shutdownGraceSec * 1000); });
    m_serviceThread.quit();
    m_serviceThread.wait();
    m_serviceContext.reset();
    m_guiContext.reset(); // answers still posted by an apply are dropped with it
}

} // namespace aether
