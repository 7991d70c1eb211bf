#pragma once

#include "config/settings.h"
#include "ui/serviceinfo.h"

#include <QThread>
#include <functional>
#include <memory>
#include <optional>

namespace aether {

class IngestService;
class MainWindow;

// What aether-ingest runs: the same IngestService as aether-ingestd (private
// Redis, workers, REST server) and the window over it. The service lives on a
// thread of its own, so starting and stopping it (waiting for workers, for a
// hung Redis) never holds the window (docs/ARCHITECTURE.md, "Threads").
// Stopping closes the window first, then the service in reverse start order.
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

    bool start(const PortChooser &chooser, QString *error);
    void stop();

    // With a reader, settings saved in the window's dialog are applied at once:
    // the service restarts in this process with them (running jobs get a
    // short grace, then go back to the queue and continue after); the window
    // stays open and usable meanwhile and follows the service to its new address.
    void setSettingsReader(SettingsReader reader) { m_readSettings = std::move(reader); }
    enum class ApplyOutcome
    {
        Applied,
        RolledBack, // refused: the previous settings run again, the file holds them again
        Failed      // not even the previous settings start again
    };
    using ApplyDone = std::function<void(ApplyOutcome outcome, const QString &error)>;
    // Returns at once; `done` runs on the GUI thread when the service runs again.
    // A save while an apply is under way is applied after it.
    void applySavedSettings(ApplyDone done);
    bool isApplying() const { return m_applying; }

    // Running jobs get this long to finish when settings are applied, not the
    // shutdown grace: the user is waiting for the new settings.
    static constexpr int kApplyGraceMs = 2000;

    IngestService *service() const { return m_service.get(); }
    MainWindow *window() const { return m_window.get(); }
    const Settings &settings() const { return m_settings; }

    // The keys the window uses: the first admin-capable configured key (or the
    // development keys when none is configured) and ADMIN_KEY.
    static ApiEndpoint endpointFor(const Settings &settings, quint16 port);

private:
    bool choosePort(QString *error);
    // Runs `work` on the service thread, then `then` on the GUI thread.
    void onServiceThread(std::function<void()> work, std::function<void()> then);
    void onServiceThreadAndWait(const std::function<void()> &work);
    void startServiceAsync(std::function<void(bool started, const QString &error)> then);
    bool launchService(QString *error); // on the service thread
    void stopService(int graceMs);      // on the service thread
    void rollBack(const Settings &previous, const QString &error, ApplyDone done);
    void finishApply(ApplyOutcome outcome, const QString &error, const ApplyDone &done);
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
    bool m_applying = false;
    bool m_applyAgain = false; // saved again while applying
    QThread m_serviceThread;
    std::unique_ptr<QObject> m_serviceContext; // lives on m_serviceThread
    std::unique_ptr<QObject> m_guiContext;     // answers from the service thread; gone at stop
    std::unique_ptr<IngestService> m_service;  // made, started and stopped on m_serviceThread
    std::unique_ptr<MainWindow> m_window;
};

} // namespace aether
