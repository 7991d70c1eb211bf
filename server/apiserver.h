#pragma once

#include "access/accesspolicy.h"
#include "server/router.h"

#include <QAbstractHttpServer>
#include <QHostAddress>

namespace aether {

class BodySizeGuard;

// The REST server. Every answer, errors and unknown routes included, is JSON.
// Routes are registered by the route classes (IngestRoutes, OpsRoutes, ...);
// this class checks roles, maps failures to statuses in one place, and writes.
class ApiServer : public QAbstractHttpServer
{
    Q_OBJECT

public:
    ApiServer(AccessPolicy access, qint64 maxBodyBytes, QObject *parent = nullptr);

    Router &router() { return m_router; }

    // Listens on address:port (port 0: any free port); false with *error.
    bool listenOn(const QHostAddress &address, quint16 port, QString *error);
    quint16 port() const;

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    ApiReply dispatch(const QHttpServerRequest &request, const ReplySender &answer);
    ApiReply runRoute(const Route &route, const QHttpServerRequest &request,
                      const QStringList &parameters, const ReplySender &answer);

    AccessPolicy m_access;
    Router m_router;
    BodySizeGuard *m_tcpServer;
};

} // namespace aether
