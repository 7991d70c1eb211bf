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

// One operation of the document: a method under a path.
struct Operation
{
    QString method;     // "get"
    QString path;       // "/ops/jobs/{job_id}"
    QJsonObject object; // the operation object
    QString where() const { return method.toUpper() + QLatin1Char(' ') + path; }
};

QList<Operation> operationsOf(const QJsonObject &document)
{
    QList<Operation> operations;
    const QJsonObject paths = document.value("paths").toObject();
    for (auto path = paths.begin(); path != paths.end(); ++path) {
        const QJsonObject item = path.value().toObject();
        for (const QString &method : kMethods) {
            if (item.contains(method))
                operations.append({method, path.key(), item.value(method).toObject()});
        }
    }
    return operations;
}

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

// Paths of the schemas under `value` that say nullable without a type beside
// it: an error in OpenAPI 3.0 (3.1 has no nullable at all).
void collectUntypedNullables(const QJsonValue &value, const QString &where, QStringList *found)
{
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        if (object.contains(QLatin1String("nullable")) && !object.contains(QLatin1String("type")))
            found->append(where);
        for (auto it = object.begin(); it != object.end(); ++it)
            collectUntypedNullables(it.value(), where + QLatin1Char('/') + it.key(), found);
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i)
            collectUntypedNullables(array[i], where + QLatin1Char('/') + QString::number(i), found);
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
        for (const Operation &operation : operationsOf(m_document)) {
            const QString where = operation.where();
            QVERIFY2(!operation.object.value("summary").toString().isEmpty(), qPrintable(where));
            const QJsonObject responses = operation.object.value("responses").toObject();
            const bool success = responses.contains("200") || responses.contains("202");
            QVERIFY2(success, qPrintable(where + QStringLiteral(": no 200 answer")));
        }
    }

    // What client generators name and group by (openapi-typescript's
    // operations, tags), and the refusals every client meets, shared.
    void operationsCarryIdsTagsAndSharedRefusals()
    {
        QVERIFY(m_document.value("openapi").toString().startsWith(QLatin1String("3.0.")));
        QSet<QString> tags;
        for (const QJsonValue &tag : m_document.value("tags").toArray()) {
            QVERIFY2(!tag.toObject().value("description").toString().isEmpty(),
                     qPrintable(tag.toObject().value("name").toString()));
            tags.insert(tag.toObject().value("name").toString());
        }
        static const QRegularExpression camelCase(QStringLiteral("^[a-z][A-Za-z0-9]*$"));
        QSet<QString> ids;
        for (const Operation &operation : operationsOf(m_document)) {
            const QString where = operation.where();
            const QString id = operation.object.value("operationId").toString();
            QVERIFY2(camelCase.match(id).hasMatch(), qPrintable(where));
            QVERIFY2(!ids.contains(id), qPrintable(where + QStringLiteral(": ") + id));
            ids.insert(id);
            for (const QJsonValue &tag : operation.object.value("tags").toArray())
                QVERIFY2(tags.contains(tag.toString()), qPrintable(where));
            checkSharedRefusals(where, operation.path, operation.method, operation.object);
            if (QTest::currentTestFailed())
                return;
        }
    }

    void nullableHasItsType()
    {
        QStringList untyped;
        collectUntypedNullables(m_document, QStringLiteral("#"), &untyped);
        QVERIFY2(untyped.isEmpty(), qPrintable(untyped.join(QStringLiteral(", "))));
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
    // Host and header size are checked on every request; keys and bans on
    // every keyed one; ids can be unknown; any POST may carry a body too
    // large. Each answer is the shared one of components.responses.
    static void checkSharedRefusals(const QString &where, const QString &path,
                                    const QString &method, const QJsonObject &operation)
    {
        bool keyed = false;
        for (const QJsonValue &requirement : operation.value("security").toArray())
            keyed = keyed || !requirement.toObject().isEmpty();
        QMap<QString, QString> expected{
            {QStringLiteral("421"), QStringLiteral("MisdirectedRequest")},
            {QStringLiteral("431"), QStringLiteral("HeadersTooLarge")}};
        if (keyed) {
            expected.insert(QStringLiteral("401"), QStringLiteral("Unauthorized"));
            expected.insert(QStringLiteral("429"), QStringLiteral("TooManyRequests"));
        }
        if (path.contains(QLatin1Char('{')))
            expected.insert(QStringLiteral("404"), QStringLiteral("NotFound"));
        const QJsonObject responses = operation.value("responses").toObject();
        for (auto it = expected.cbegin(); it != expected.cend(); ++it)
            QVERIFY2(responses.value(it.key()).toObject().value("$ref").toString() ==
                         QStringLiteral("#/components/responses/") + it.value(),
                     qPrintable(where + QStringLiteral(": ") + it.key()));
        if (keyed)
            QVERIFY2(responses.contains(QStringLiteral("403")), qPrintable(where));
        if (method == QLatin1String("post"))
            QVERIFY2(responses.contains(QStringLiteral("413")), qPrintable(where));
    }

    QSet<QString> documentedOperations() const
    {
        QSet<QString> operations;
        for (const Operation &operation : operationsOf(m_document))
            operations.insert(operationKey(operation.method, operation.path));
        return operations;
    }

    RedisProcess m_redis;
    QTemporaryDir m_dataDir;
    std::unique_ptr<IngestService> m_service;
    QJsonObject m_document;
};

QTEST_GUILESS_MAIN(TestOpenApi)
#include "tst_openapi.moc"
