#include "desktopfixture.h"

#include "common/ingestservice.h"
#include "freeport.h"
#include "ui/mainwindow.h"

namespace aether::test {

DesktopFixture::DesktopFixture()
{
    m_settings.host = QStringLiteral("127.0.0.1");
    m_settings.workers = 2;
    m_settings.urlAllowPrivate = true;
    m_settings.dataDir = m_dir.path();
    m_settings.databasePath = m_dir.filePath(QStringLiteral("knowledge.db"));
    m_settings.shutdownGraceSec = 1;
}

DesktopFixture::~DesktopFixture()
{
    m_session.reset(); // the service before its Redis
    m_redis.stop();
}

bool DesktopFixture::start()
{
    if (!m_redis.start()) {
        m_error = m_redis.errorText();
        return false;
    }
    m_settings.redis = RedisUrl::parse(m_redis.url(), &m_error);
    m_settings.port = freePort();
    m_session = std::make_unique<DesktopSession>(m_settings,
                                                 m_dir.filePath(QStringLiteral("settings.conf")));
    if (m_reader)
        m_session->setSettingsReader(m_reader);
    if (!m_session->start({}, &m_error))
        return false;
    m_session->window()->resize(1280, 800);
    m_session->window()->show();
    return true;
}

MainWindow *DesktopFixture::window() const
{
    return m_session ? m_session->window() : nullptr;
}

QString DesktopFixture::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_session->service()->port());
}

} // namespace aether::test
