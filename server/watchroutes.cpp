#include "server/watchroutes.h"

#include "access/accesspolicy.h"
#include "queue/jobqueue.h"
#include "server/inputvalidation.h"
#include "server/joboptions.h"
#include "server/jsonbody.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace aether {

namespace {

constexpr int kMaxPatterns = 50;
constexpr int kMaxPathChars = 4096;

bool visibleTo(const AccessDecision &access, const WatchRegistry::Entry &entry)
{
    return access.anyTenant || entry.folder.tenant == access.tenant;
}

QStringList patternsFrom(const QJsonValue &value)
{
    if (value.isUndefined() || value.isNull())
        return WatchedFolder::defaultPatterns();
    const QJsonArray list = value.toArray();
    if (!value.isArray() || list.isEmpty() || list.size() > kMaxPatterns)
        throw ApiError{422, QStringLiteral("field 'patterns' must be a list of 1 to %1 file "
                                           "name patterns such as \"*.md\"")
                                .arg(kMaxPatterns)};
    QStringList patterns;
    for (const QJsonValue &pattern : list) {
        const QString text = pattern.toString().trimmed();
        if (text.isEmpty() || text.contains(QLatin1Char('/')))
            throw ApiError{422, QStringLiteral("each pattern must be a file name pattern "
                                               "without '/', such as \"*.md\"")};
        patterns.append(text);
    }
    return patterns;
}

} // namespace

WatchRoutes::WatchRoutes(JobQueue &queue, WatchFence fence, Hooks hooks)
    : m_queue(queue), m_fence(std::move(fence)), m_hooks(std::move(hooks))
{}

void WatchRoutes::registerOn(Router &router)
{
    router.add("POST", QStringLiteral("/ops/watches"), Role::Admin,
               [this](const RouteContext &context) { return add(context); });
    router.add("GET", QStringLiteral("/ops/watches"), Role::Admin,
               [this](const RouteContext &context) { return list(context); });
    router.add("DELETE", QStringLiteral("/ops/watches/{id}"), Role::Admin,
               [this](const RouteContext &context) { return remove(context); });
    router.add("POST", QStringLiteral("/ops/watches/{id}/rescan"), Role::Admin,
               [this](const RouteContext &context) { return rescan(context); });
}

QJsonObject WatchRoutes::watchJson(const WatchRegistry::Entry &entry)
{
    const WatchState &state = entry.state;
    return {{QStringLiteral("id"), QString::fromLatin1(entry.folder.id)},
            {QStringLiteral("path"), entry.folder.path},
            {QStringLiteral("source"), entry.folder.source},
            {QStringLiteral("patterns"), QJsonArray::fromStringList(entry.folder.patterns)},
            {QStringLiteral("metadata"), QJsonDocument::fromJson(entry.folder.metadata).object()},
            {QStringLiteral("tenant"), entry.folder.tenant},
            {QStringLiteral("origin"), entry.folder.origin},
            {QStringLiteral("files_tracked"), state.filesTracked},
            {QStringLiteral("last_scan_at"),
             state.lastScanAt.isValid()
                 ? QJsonValue(state.lastScanAt.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")))
                 : QJsonValue()},
            {QStringLiteral("last_error"),
             state.lastError.isEmpty() ? QJsonValue() : QJsonValue(state.lastError)},
            {QStringLiteral("last_queued"), state.queued},
            {QStringLiteral("last_removed"), state.removed}};
}

ApiReply WatchRoutes::add(const RouteContext &context)
{
    const JsonBody body(context.request);
    const QString path = body.requiredString(QStringLiteral("path"), kMaxPathChars);
    const QFileInfo info(path);
    const QString mustBeAFolder = QStringLiteral(
        "field 'path' must be the absolute path of an existing folder on the server's machine");
    if (!QDir::isAbsolutePath(path))
        throw ApiError{422, mustBeAFolder};
    // Resolved first (symlinks, ".."), so neither leads out of the roots; and
    // checked before existence, so a tenant cannot probe what lies outside.
    const QString canonical = info.canonicalFilePath();
    if (!context.access.operatorKey) {
        const QString refusal = m_fence.refusal(context.access.tenant, canonical, path);
        if (!refusal.isEmpty())
            throw ApiError{403, refusal};
    }
    if (!info.isDir())
        throw ApiError{422, mustBeAFolder};
    WatchedFolder folder;
    folder.id = WatchRegistry::newId();
    folder.path = canonical;
    folder.source = input::validSource(body.optionalString(
        QStringLiteral("source"), QDir(folder.path).dirName(), input::kMaxSourceChars));
    folder.patterns = patternsFrom(body.object().value(QStringLiteral("patterns")));
    folder.metadata = readMetadata(body.object().value(QStringLiteral("metadata")));
    folder.tenant = context.access.tenant;
    folder.byOperator = context.access.operatorKey;
    WatchRegistry(m_queue.connection()).add(folder);
    m_hooks.changed();
    return ApiReply::ok({{QStringLiteral("watch"), watchJson({folder, {}})}});
}

ApiReply WatchRoutes::list(const RouteContext &context)
{
    QJsonArray watches;
    for (const WatchRegistry::Entry &entry : WatchRegistry(m_queue.connection()).list()) {
        if (visibleTo(context.access, entry))
            watches.append(watchJson(entry));
    }
    return ApiReply::ok({{QStringLiteral("watches"), watches}});
}

ApiReply WatchRoutes::remove(const RouteContext &context)
{
    const QByteArray id = context.parameters.first().toUtf8();
    WatchRegistry registry(m_queue.connection());
    const std::optional<WatchRegistry::Entry> entry = registry.find(id);
    if (!entry || !visibleTo(context.access, *entry) || !registry.remove(id))
        return ApiReply::error(404, QStringLiteral("Watch not found"));
    m_hooks.stopScan(id); // before the answer: no file is queued for it afterwards
    m_hooks.changed();
    return ApiReply::ok(
        {{QStringLiteral("id"), QString::fromLatin1(id)}, {QStringLiteral("deleted"), true}});
}

ApiReply WatchRoutes::rescan(const RouteContext &context)
{
    const QByteArray id = context.parameters.first().toUtf8();
    const std::optional<WatchRegistry::Entry> entry = WatchRegistry(m_queue.connection()).find(id);
    if (!entry || !visibleTo(context.access, *entry))
        return ApiReply::error(404, QStringLiteral("Watch not found"));
    m_hooks.rescan(id);
    ApiReply reply = ApiReply::ok({{QStringLiteral("id"), QString::fromLatin1(id)},
                                   {QStringLiteral("rescan"), QStringLiteral("queued")}});
    reply.status = 202; // the scan runs on the watch thread; GET /ops/watches shows its outcome
    return reply;
}

} // namespace aether
