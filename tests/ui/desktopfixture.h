#pragma once

#include "desktop/desktopsession.h"
#include "redisprocess.h"

#include <QTemporaryDir>
#include <memory>

namespace aether {
class MainWindow;
}

namespace aether::test {

// The real desktop session in-process: a real redis-server on a free port,
// the IngestService (workers, REST server on a free port) and the window, with
// data, store and settings file in a temporary directory.
class DesktopFixture
{
public:
    DesktopFixture();
    ~DesktopFixture();

    // Adjust before start(): defaults are 2 workers and private URLs allowed.
    Settings &settings() { return m_settings; }
    bool start();
    QString errorText() const { return m_error; }

    MainWindow *window() const;
    DesktopSession *session() const { return m_session.get(); }
    // Set before start(): how the session re-reads its settings on "Save".
    void setSettingsReader(DesktopSession::SettingsReader reader) { m_reader = std::move(reader); }
    QString baseUrl() const;
    RedisProcess &redis() { return m_redis; }
    QString tempPath(const QString &name) const { return m_dir.filePath(name); }

private:
    QTemporaryDir m_dir;
    RedisProcess m_redis;
    Settings m_settings;
    std::unique_ptr<DesktopSession> m_session;
    DesktopSession::SettingsReader m_reader;
    QString m_error;
};

} // namespace aether::test
