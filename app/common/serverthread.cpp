#include "common/serverthread.h"

namespace aether {

ServerThread::ServerThread(QObject *parent) : QThread(parent)
{
    setObjectName(QStringLiteral("http"));
}

ServerThread::~ServerThread()
{
    stopServer();
}

bool ServerThread::startServer(Factory factory, QString *error)
{
    m_factory = std::move(factory);
    start();
    // Written by run() before it releases: the acquire makes them visible here.
    m_started.acquire();
    if (!m_ok) {
        wait();
        *error = m_error;
    }
    return m_ok;
}

void ServerThread::stopServer()
{
    if (!isRunning())
        return;
    quit();
    wait();
}

void ServerThread::run()
{
    std::unique_ptr<HttpService> service = m_factory();
    m_ok = service->start(&m_error);
    if (m_ok) {
        m_port = service->port();
        m_routes = service->routes();
    }
    m_started.release();
    if (m_ok)
        exec();
    service.reset(); // on this thread, where its sockets, timers and routes live
}

} // namespace aether
