#include "desktop/desktopsession.h"

#include <QApplication>
#include <QMessageBox>

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
    if (!startService(error))
        return false;
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
            if (applySavedSettings(&error)) {
                m_window->showStatusMessage(QObject::tr("Settings applied"));
                return;
            }
            QMessageBox::critical(
                nullptr, QStringLiteral("Aether Ingest"),
                QObject::tr("The new settings could not be applied:\n\n%1").arg(error));
            QApplication::quit();
        },
        Qt::QueuedConnection);
}

bool DesktopSession::applySavedSettings(QString *error)
{
    const std::optional<Settings> settings = m_readSettings(error);
    if (!settings)
        return false;
    m_window->detachFromService();
    stopService();
    m_settings = *settings;
    if (!startService(error))
        return false;
    m_window->attachToService(serviceInfo());
    return true;
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
