#pragma once

#include "config/settings.h"
#include "ui/serviceinfo.h"

#include <functional>
#include <memory>
#include <optional>

namespace aether {

class IngestService;
class MainWindow;

// What aether-ingest runs: the same IngestService as aether-ingestd (private
// Redis, workers, REST server) and the window over it. Stopping closes the
// window's own connections first, then the service in reverse start order.
class DesktopSession
{
public:
    // Given the taken port and a free one, returns the port to try (0: give up).
    using PortChooser = std::function<quint16(const QString &host, quint16 taken, quint16 free)>;

    DesktopSession(Settings settings, QString configFile);
    ~DesktopSession();

    // Reads the settings again (flags, environment, the settings file); empty
    // with `error` set when they are invalid.
    using SettingsReader = std::function<std::optional<Settings>(QString *error)>;

    bool start(const PortChooser &choosePort, QString *error);
    void stop();

    // With a reader, settings saved in the window's dialog are applied at once:
    // the service restarts in this process with them (running jobs go back to
    // the queue as on a normal stop and continue after); the window stays open
    // and follows the service to its new address.
    void setSettingsReader(SettingsReader reader) { m_readSettings = std::move(reader); }
    enum class ApplyOutcome
    {
        Applied,
        RolledBack, // refused: the previous settings run again, the file holds them again
        Failed      // not even the previous settings start again
    };
    ApplyOutcome applySavedSettings(QString *error);

    IngestService *service() const { return m_service.get(); }
    MainWindow *window() const { return m_window.get(); }
    const Settings &settings() const { return m_settings; }

    // The keys the window uses: the first admin-capable configured key (or the
    // development keys when none is configured) and ADMIN_KEY.
    static ApiEndpoint endpointFor(const Settings &settings, quint16 port);

private:
    bool startService(QString *error);
    void stopService();
    ServiceInfo serviceInfo() const;
    QByteArray readConfigFile() const;
    void restoreConfigFile();
    void offerApplyOnSave();

    Settings m_settings;
    PortChooser m_choosePort;
    SettingsReader m_readSettings;
    QString m_configFile;
    QByteArray m_appliedFile;     // the settings file as it was when the running settings applied
    quint16 m_configuredPort = 0; // before a taken port was swapped for another
    std::unique_ptr<IngestService> m_service;
    std::unique_ptr<MainWindow> m_window;
};

} // namespace aether
