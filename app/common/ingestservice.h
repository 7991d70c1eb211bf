#pragma once

#include "config/settings.h"
#include "server/router.h"
#include "store/knowledgestore.h"

#include <QObject>
#include <memory>

namespace aether {

class EmbeddedRedis;
class ServerThread;
class StoreHealth;
class WorkerPool;

// Everything one Aether Ingest process runs, started in order and stopped in
// reverse: the private Redis (when no REDIS_URL), the store check, the REST
// server (on a ServerThread of its own) and the worker pool. Both programs own
// one; the window talks to it over HTTP like any client.
class IngestService : public QObject
{
    Q_OBJECT

public:
    explicit IngestService(Settings settings, QObject *parent = nullptr);
    ~IngestService() override;

    bool start(QString *error);
    void stop(); // running jobs get SHUTDOWN_GRACE_SEC to finish
    // OCR_LANGS are installed when OCR is on (a bad setting: exit code 2
    // before the start, not a failure in every scanned document's job).
    static bool checkOcrLanguages(const Settings &settings, QString *error);
    void stop(int graceMs);

    quint16 port() const;
    const RedisUrl &redisUrl() const { return m_redisUrl; }
    // Why the store was built with another embedder than the configured one
    // (as found at start), or empty.
    const QString &embedderMismatch() const { return m_embedderMismatch; }
    QList<RouteInfo> routes() const; // the REST server's, empty without one
    // A secret made at start that exempts requests carrying it from the
    // wrong-key ban (ApiServer::setWindowToken). Only the desktop window is
    // given it; it never leaves the process otherwise.
    const QByteArray &windowToken() const { return m_windowToken; }

private:
    bool startRedis(QString *error);
    void upgradeQueueLayout();
    void reindexAfterEmbedderUpgrade();
    bool checkStore(QString *error);
    bool startServer(QString *error);
    void startWorkers();

    Settings m_settings;
    EmbedderInfo m_embedderInfo;   // the configured embedder, as the store records it
    EmbedderInfo m_storedEmbedder; // the one the store's vectors were made with, at start
    RedisUrl m_redisUrl;
    QString m_embedderMismatch;
    QByteArray m_windowToken;
    std::unique_ptr<EmbeddedRedis> m_embeddedRedis;
    std::unique_ptr<StoreHealth> m_storeHealth; // the store file's presence and soundness
    std::unique_ptr<WorkerPool> m_workers;
    std::unique_ptr<ServerThread> m_server;
};

} // namespace aether
