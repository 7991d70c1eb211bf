#include "desktop/desktopsession.h"

#include <QApplication>
#include <QFile>
#include <QMessageBox>
#include <QSaveFile>

#include "common/ingestservice.h"
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
    // "key:role[:tenant],..." : prefer an admin key (the job table needs /ops/*).
    int bestRank = -1;
    const QStringList entries = settings.apiKeys.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &entry : entries) {
        const QStringList parts = entry.trimmed().split(QLatin1Char(':'));
        const QString role = parts.value(1).trimmed().toLower();
        const int rank = role == QLatin1String("admin")    ? 2
                         : role == QLatin1String("editor") ? 1
                                                           : 0;
        if (rank > bestRank) {
            bestRank = rank;
            endpoint.apiKey = parts.value(0).trimmed().toUtf8();
        }
    }
    endpoint.adminKey = settings.adminKey.toUtf8();
    return endpoint;
}

bool DesktopSession::start(const PortChooser &choosePort, QString *error)
{
    m_choosePort = choosePort;
    m_configuredPort = m_settings.port;
    if (!startService(error))
        return false;
    m_appliedFile = readConfigFile();
    m_window = std::make_unique<MainWindow>(serviceInfo());
    offerApplyOnSave();
    return true;
}

bool DesktopSession::startService(QString *error)
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
    m_service = std::make_unique<IngestService>(m_settings);
    if (!m_service->start(error)) {
        m_service.reset();
        return false;
    }
    return true;
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
    return info;
}

void DesktopSession::offerApplyOnSave()
{
    if (!m_readSettings)
        return;
    m_window->setAppliesSettings(true);
    // Queued: the dialog that asks is still on the stack.
    QObject::connect(
        m_window.get(), &MainWindow::settingsSaved, qApp,
        [this] {
            QString error;
            const ApplyOutcome outcome = applySavedSettings(&error);
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
        },
        Qt::QueuedConnection);
}

// A setting the service refuses (a malformed key list, a wildcard address
// without keys...) must not leave the program unable to start: the previous
// settings are restored, in the file too, and the service runs with them.
DesktopSession::ApplyOutcome DesktopSession::applySavedSettings(QString *error)
{
    std::optional<Settings> settings = m_readSettings(error);
    if (!settings) {
        restoreConfigFile();
        return ApplyOutcome::RolledBack; // the service was never stopped
    }
    // The port chosen at start when the configured one was taken stays, unless
    // the port setting itself was changed.
    if (settings->port == m_configuredPort)
        settings->port = m_settings.port;
    else
        m_configuredPort = settings->port;
    const Settings previous = m_settings;
    m_window->detachFromService();
    stopService();
    m_settings = *settings;
    if (startService(error)) {
        m_appliedFile = readConfigFile();
        m_window->attachToService(serviceInfo());
        return ApplyOutcome::Applied;
    }
    restoreConfigFile();
    m_settings = previous;
    QString again;
    if (!startService(&again)) {
        *error += QStringLiteral("\n") + again;
        return ApplyOutcome::Failed;
    }
    m_window->attachToService(serviceInfo());
    return ApplyOutcome::RolledBack;
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

void DesktopSession::stopService()
{
    if (m_service) {
        m_service->stop();
        m_service.reset();
    }
}

void DesktopSession::stop()
{
    m_window.reset();
    stopService();
}

} // namespace aether
