#pragma once

#include "common/httpservice.h"

#include <QSemaphore>
#include <QThread>
#include <functional>
#include <memory>

namespace aether {

// The thread the REST server runs on, in both programs: the HttpService is
// built, started, run and destroyed on it, so the main thread (the window's,
// in aether-ingest) never waits on a route's Redis, store or network call.
class ServerThread : public QThread
{
    Q_OBJECT

public:
    using Factory = std::function<std::unique_ptr<HttpService>()>;

    explicit ServerThread(QObject *parent = nullptr);
    ~ServerThread() override; // stops the server

    // Builds and starts the service on the thread; returns once it listens
    // (true) or has failed (false with *error, the thread ended).
    bool startServer(Factory factory, QString *error);
    // Closes the server and destroys the service on its thread, then ends it.
    void stopServer();

    // Known once startServer() succeeded.
    quint16 port() const { return m_port; }
    const QList<RouteInfo> &routes() const { return m_routes; }

protected:
    void run() override;

private:
    Factory m_factory;
    QSemaphore m_started;
    bool m_ok = false;
    QString m_error;
    quint16 m_port = 0;
    QList<RouteInfo> m_routes;
};

} // namespace aether
