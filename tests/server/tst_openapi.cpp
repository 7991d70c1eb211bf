// GET /openapi.json against the routes the server really registers: every
// route answered is documented, every documented operation exists, and the
// document is well formed (OpenAPI 3, this version, every $ref resolves,
// every operation has a success answer). A route added without its
// documentation fails here, by name.
#include "common/ingestservice.h"
#include "config/settingsloader.h"
#include "freeport.h"
#include "httpclient.h"
#include "redisprocess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace aether;
using namespace aether::test;

namespace {

const QStringList kMethods{QStringLiteral("get"), QStringLiteral("post"), QStringLiteral("put"),
                           QStringLiteral("delete"), QStringLiteral("patch")};

// "/ops/jobs/{job_id}" and "/ops/jobs/{id}" are the same route.
QString operationKey(const QString &method, const QString &pattern)
{
    static const QRegularExpression parameter(QStringLiteral("\\{[^}]*\\}"));
    return method.toUpper() + QLatin1Char(' ') +
           QString(pattern).replace(parameter, QStringLiteral("{}"));
}

// Resolves a local JSON pointer such as "#/components/schemas/Job".
bool resolves(const QJsonObject &root, const QString &pointer)
{
    if (!pointer.startsWith(QLatin1String("#/")))
        return false;
    QJsonValue node = root;
    for (const QString &part : pointer.mid(2).split(QLatin1Char('/'))) {
        if (!node.isObject() || !node.toObject().contains(part))
            return false;
        node = node.toObject().value(part);
    }
    return true;
}

void collectRefs(const QJsonValue &value, QStringList *refs)
{
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (it.key() == QLatin1String("$ref"))
                refs->append(it.value().toString());
            else
                collectRefs(it.value(), refs);
        }
    } else if (value.isArray()) {
        for (const QJsonValue &item : value.toArray())
            collectRefs(item, refs);
    }
}

} // namespace

class TestOpenApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorText()));
        QVERIFY(m_dataDir.isValid());
        QProcessEnvironment env;
        env.insert(QStringLiteral("REDIS_URL"), m_redis.url());
        env.insert(QStringLiteral("WORKERS"), QStringLiteral("0"));
        env.insert(QStringLiteral("AETHER_PORT"), QString::number(freePort()));
        env.insert(QStringLiteral("AETHER_DATA_DIR"), m_dataDir.path());
        const SettingsLoader::Result loaded =
            SettingsLoader::load({QStringLiteral("tst_openapi")}, env, QString(), m_dataDir.path(),
                                 m_dataDir.filePath(QStringLiteral("none.conf")));
        QCOMPARE(int(loaded.outcome), int(SettingsLoader::Outcome::Run));
        m_service = std::make_unique<IngestService>(loaded.settings);
        QString error;
        QVERIFY2(m_service->start(&error), qPrintable(error));

        const HttpClient client(QStringLiteral("http://127.0.0.1:%1").arg(m_service->port()));
        const HttpResult reply = client.get(QStringLiteral("/openapi.json"));
        QCOMPARE(reply.status, 200);
        QVERIFY(reply.header("Content-Type").startsWith("application/json"));
        QJsonParseError parseError;
        m_document = QJsonDocument::fromJson(reply.body, &parseError).object();
        QVERIFY2(parseError.error == QJsonParseError::NoError,
                 qPrintable(parseError.errorString()));
    }

    void cleanupTestCase()
    {
        if (m_service)
            m_service->stop();
        m_service.reset();
        m_redis.stop();
    }

    void isOpenApi3OfThisVersion()
    {
        QVERIFY(m_document.value("openapi").toString().startsWith(QLatin1String("3.")));
        const QJsonObject info = m_document.value("info").toObject();
        QVERIFY(!info.value("title").toString().isEmpty());
        QCOMPARE(info.value("version").toString(), QStringLiteral(AETHER_VERSION));
    }

    void everyRouteIsDocumented()
    {
        const QSet<QString> documented = documentedOperations();
        QStringList missing;
        for (const RouteInfo &route : m_service->routes()) {
            const QString key = operationKey(QString::fromLatin1(route.method), route.pattern);
            if (!documented.contains(key))
                missing.append(key);
        }
        QVERIFY2(missing.isEmpty(),
                 qPrintable(QStringLiteral("routes missing from server/openapi/openapi.json: ") +
                            missing.join(QStringLiteral(", "))));
    }

    void everyDocumentedOperationExists()
    {
        QSet<QString> registered;
        for (const RouteInfo &route : m_service->routes())
            registered.insert(operationKey(QString::fromLatin1(route.method), route.pattern));
        QStringList extra;
        for (const QString &key : documentedOperations()) {
            if (!registered.contains(key))
                extra.append(key);
        }
        extra.sort();
        QVERIFY2(extra.isEmpty(), qPrintable(QStringLiteral("documented but not served: ") +
                                             extra.join(QStringLiteral(", "))));
    }

    void everyOperationHasASuccessAnswer()
    {
        const QJsonObject paths = m_document.value("paths").toObject();
        for (auto path = paths.begin(); path != paths.end(); ++path) {
            const QJsonObject item = path.value().toObject();
            for (const QString &method : kMethods) {
                if (!item.contains(method))
                    continue;
                const QJsonObject operation = item.value(method).toObject();
                const QString where = method.toUpper() + QLatin1Char(' ') + path.key();
                QVERIFY2(!operation.value("summary").toString().isEmpty(), qPrintable(where));
                const QJsonObject responses = operation.value("responses").toObject();
                const bool success = responses.contains("200") || responses.contains("202");
                QVERIFY2(success, qPrintable(where + QStringLiteral(": no 200 answer")));
            }
        }
    }

    void everyReferenceResolves()
    {
        QStringList refs;
        collectRefs(m_document, &refs);
        QVERIFY(refs.size() > 10);
        for (const QString &ref : std::as_const(refs))
            QVERIFY2(resolves(m_document, ref), qPrintable(QStringLiteral("unresolved ") + ref));
    }

    void seedShapesAreExact()
    {
        const QJsonObject schemas =
            m_document.value("components").toObject().value("schemas").toObject();
        const auto required = [&schemas](const QString &name) {
            QStringList names;
            for (const QJsonValue &field :
                 schemas.value(name).toObject().value("required").toArray())
                names.append(field.toString());
            return names;
        };
        QCOMPARE(required(QStringLiteral("EnqueueResponse")),
                 QStringList({"ok", "job_id", "queued", "type", "tenant", "source"}));
        QCOMPARE(required(QStringLiteral("Job")),
                 QStringList({"id", "status", "enqueued_at", "started_at", "ended_at"}));
        QCOMPARE(required(QStringLiteral("JobResult")),
                 QStringList({"ok", "ingested_chunks", "tenant", "source", "latency_ms"}));
    }

private:
    QSet<QString> documentedOperations() const
    {
        QSet<QString> operations;
        const QJsonObject paths = m_document.value("paths").toObject();
        for (auto path = paths.begin(); path != paths.end(); ++path) {
            const QJsonObject item = path.value().toObject();
            for (const QString &method : kMethods) {
                if (item.contains(method))
                    operations.insert(operationKey(method, path.key()));
            }
        }
        return operations;
    }

    RedisProcess m_redis;
    QTemporaryDir m_dataDir;
    std::unique_ptr<IngestService> m_service;
    QJsonObject m_document;
};

QTEST_GUILESS_MAIN(TestOpenApi)
#include "tst_openapi.moc"
