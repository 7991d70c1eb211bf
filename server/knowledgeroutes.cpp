#include "server/knowledgeroutes.h"

#include "access/accesspolicy.h"
#include "ingest/reindexjob.h"
#include "server/metadatafilter.h"

#include <QFileInfo>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QUrlQuery>

#include <limits>

namespace aether {

namespace {

QJsonValue textOrNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

QJsonObject documentJson(const DocumentSummary &document)
{
    QJsonObject json{{QStringLiteral("document_id"), document.id},
                     {QStringLiteral("source"), document.source},
                     {QStringLiteral("type"), document.kind},
                     {QStringLiteral("title"), textOrNull(document.title)},
                     {QStringLiteral("size_bytes"), document.sizeBytes},
                     {QStringLiteral("characters"), document.characters},
                     {QStringLiteral("chunks"), document.chunkCount},
                     {QStringLiteral("created_at"), document.createdAt},
                     {QStringLiteral("job_id"), textOrNull(document.jobId)},
                     {QStringLiteral("metadata"), document.metadata}};
    if (!document.fileName.isEmpty())
        json.insert(QStringLiteral("filename"), document.fileName);
    if (!document.url.isEmpty())
        json.insert(QStringLiteral("url"), document.url);
    return json;
}

qint64 wholeParameter(const QUrlQuery &query, const QString &name, qint64 fallback, qint64 minimum,
                      qint64 maximum)
{
    if (!query.hasQueryItem(name))
        return fallback;
    bool ok = false;
    const qint64 value = query.queryItemValue(name).toLongLong(&ok);
    if (!ok || value < minimum || value > maximum)
        throw ApiError{422, QStringLiteral("parameter '%1' must be a whole number from %2 to %3")
                                .arg(name)
                                .arg(minimum)
                                .arg(maximum)};
    return value;
}

qint64 documentIdFrom(const RouteContext &context)
{
    bool ok = false;
    const qint64 id = context.parameters.value(0).toLongLong(&ok);
    if (!ok || id <= 0)
        throw ApiError{404, QStringLiteral("Document not found")};
    return id;
}

QJsonArray sectionsJson(const QList<TextSection> &sections)
{
    QJsonArray json;
    for (const TextSection &section : sections) {
        QJsonObject entry{{QStringLiteral("offset"), qint64(section.offset)}};
        if (section.page > 0)
            entry.insert(QStringLiteral("page"), section.page);
        if (!section.heading.isEmpty())
            entry.insert(QStringLiteral("heading"), section.heading);
        json.append(entry);
    }
    return json;
}

DocumentQuery documentQueryOf(const QUrlQuery &query)
{
    DocumentQuery filter;
    filter.limit =
        int(wholeParameter(query, QStringLiteral("limit"), KnowledgeRoutes::kDefaultPageSize, 1,
                           KnowledgeRoutes::kMaxPageSize));
    filter.offset = wholeParameter(query, QStringLiteral("offset"), 0, 0, qint64(1) << 40);
    filter.beforeId = wholeParameter(query, QStringLiteral("before_id"), 0, 1,
                                     std::numeric_limits<qint64>::max());
    filter.source = query.queryItemValue(QStringLiteral("source"), QUrl::FullyDecoded);
    filter.text = query.queryItemValue(QStringLiteral("q"), QUrl::FullyDecoded).trimmed();
    filter.filter = filterFromQuery(query);
    // A LIKE pattern costs its length per row and column, on the one thread
    // that serves every tenant's document reads; no title needs more.
    if (filter.text.size() > KnowledgeRoutes::kMaxFilterChars)
        throw ApiError{422, QStringLiteral("parameter 'q' must be at most %1 characters")
                                .arg(KnowledgeRoutes::kMaxFilterChars)};
    return filter;
}

QJsonObject chunkJson(const ChunkEntry &entry)
{
    return {{QStringLiteral("chunk_id"), entry.chunkId},
            {QStringLiteral("position"), entry.position},
            {QStringLiteral("text"), entry.chunk.text},
            {QStringLiteral("page"),
             entry.chunk.page > 0 ? QJsonValue(entry.chunk.page) : QJsonValue()},
            {QStringLiteral("heading"), textOrNull(entry.chunk.heading)},
            {QStringLiteral("start_offset"), entry.chunk.start},
            {QStringLiteral("end_offset"), entry.chunk.end}};
}

ApiReply storeUnavailable(const StoreError &error)
{
    const bool missing = dynamic_cast<const StoreMissing *>(&error) != nullptr;
    return ApiReply::error(
        503, (missing ? QStringLiteral("store missing: ") : QStringLiteral("store unavailable: ")) +
                 QString::fromLocal8Bit(error.what()));
}

} // namespace

KnowledgeRoutes::KnowledgeRoutes(const QString &databasePath, const EmbedderInfo &embedder,
                                 EnqueueBatcher &batcher)
    : m_databasePath(databasePath), m_embedder(embedder), m_batcher(batcher),
      m_catalog(std::make_unique<DocumentCatalog>(databasePath))
{}

KnowledgeRoutes::~KnowledgeRoutes()
{
    // Their SQLite connections belong to the store thread: close them there.
    m_storeThread.runAndWait([this] {
        m_catalog.reset();
        m_store.reset();
    });
}

ApiReply KnowledgeRoutes::onStoreThread(const RouteContext &context, std::function<ApiReply()> work)
{
    m_storeThread.run<ApiReply>(
        [work = std::move(work)] {
            try {
                return work();
            } catch (const StoreError &error) {
                return storeUnavailable(error);
            } catch (const std::exception &error) {
                qWarning("documents request failed: %s", error.what());
                return ApiReply::error(500, QStringLiteral("internal error"));
            }
        },
        context.answer);
    return ApiReply::deferred();
}

void KnowledgeRoutes::registerOn(Router &router)
{
    router.add("GET", QStringLiteral("/knowledge/documents"), Role::Viewer,
               [this](const RouteContext &context) { return list(context); });
    router.add("GET", QStringLiteral("/knowledge/documents/{id}"), Role::Viewer,
               [this](const RouteContext &context) { return show(context); });
    router.add("GET", QStringLiteral("/knowledge/documents/{id}/text"), Role::Viewer,
               [this](const RouteContext &context) { return text(context); });
    router.add("GET", QStringLiteral("/knowledge/documents/{id}/chunks"), Role::Viewer,
               [this](const RouteContext &context) { return chunks(context); });
    router.add("GET", QStringLiteral("/knowledge/sources"), Role::Viewer,
               [this](const RouteContext &context) { return sources(context); });
    router.add("DELETE", QStringLiteral("/knowledge/documents/{id}"), Role::Editor,
               [this](const RouteContext &context) { return remove(context); });
    router.add("POST", QStringLiteral("/ops/reindex"), Role::Admin,
               [this](const RouteContext &context) { return reindex(context); });
}

ApiReply KnowledgeRoutes::list(const RouteContext &context)
{
    const DocumentQuery query = documentQueryOf(QUrlQuery(context.request.url()));
    return onStoreThread(context, [this, tenant = context.access.tenant, query] {
        const DocumentPage page = m_catalog->list(tenant, query);
        QJsonArray documents;
        for (const DocumentSummary &document : page.documents)
            documents.append(documentJson(document));
        // A full page may have more after it: the next page is before its last id.
        const QJsonValue next = page.documents.size() == query.limit
                                    ? QJsonValue(page.documents.last().id)
                                    : QJsonValue();
        return ApiReply::ok({{QStringLiteral("documents"), documents},
                             {QStringLiteral("total"), page.total},
                             {QStringLiteral("limit"), query.limit},
                             {QStringLiteral("offset"), query.offset},
                             {QStringLiteral("next_before_id"), next}});
    });
}

ApiReply KnowledgeRoutes::show(const RouteContext &context)
{
    const qint64 id = documentIdFrom(context);
    return onStoreThread(context, [this, tenant = context.access.tenant, id] {
        DocumentSummary document;
        if (!m_catalog->find(tenant, id, &document))
            return ApiReply::error(404, QStringLiteral("Document not found"));
        return ApiReply::ok({{QStringLiteral("document"), documentJson(document)}});
    });
}

ApiReply KnowledgeRoutes::text(const RouteContext &context)
{
    const qint64 id = documentIdFrom(context);
    // `max_characters`: a preview asks for the start only, not megabytes.
    const qsizetype cap =
        wholeParameter(QUrlQuery(context.request.url()), QStringLiteral("max_characters"),
                       kMaxTextCharacters, 1, kMaxTextCharacters);
    return onStoreThread(context, [this, tenant = context.access.tenant, id, cap] {
        StoredText stored;
        if (!m_catalog->text(tenant, id, cap, &stored))
            return ApiReply::error(404, QStringLiteral("Document not found"));
        return ApiReply::ok({{QStringLiteral("document_id"), id},
                             {QStringLiteral("text"), stored.text},
                             {QStringLiteral("characters"), qint64(stored.text.size())},
                             {QStringLiteral("truncated"), stored.truncated},
                             {QStringLiteral("sections"), sectionsJson(stored.sections)}});
    });
}

// A document's chunks as stored (what search returns as hits), a page at a
// time: `after` is the position of the last chunk of the page before.
ApiReply KnowledgeRoutes::chunks(const RouteContext &context)
{
    const qint64 id = documentIdFrom(context);
    const QUrlQuery query(context.request.url());
    const int limit =
        int(wholeParameter(query, QStringLiteral("limit"), kDefaultPageSize, 1, kMaxPageSize));
    const int after = int(
        wholeParameter(query, QStringLiteral("after"), -1, -1, std::numeric_limits<int>::max()));
    return onStoreThread(context, [this, tenant = context.access.tenant, id, limit, after] {
        QList<ChunkEntry> page;
        if (!m_catalog->chunks(tenant, id, after, limit, &page))
            return ApiReply::error(404, QStringLiteral("Document not found"));
        QJsonArray chunks;
        for (const ChunkEntry &entry : std::as_const(page))
            chunks.append(chunkJson(entry));
        const QJsonValue next =
            page.size() == limit ? QJsonValue(page.last().position) : QJsonValue();
        return ApiReply::ok({{QStringLiteral("document_id"), id},
                             {QStringLiteral("chunks"), chunks},
                             {QStringLiteral("limit"), limit},
                             {QStringLiteral("next_after"), next}});
    });
}

ApiReply KnowledgeRoutes::sources(const RouteContext &context)
{
    return onStoreThread(context, [this, tenant = context.access.tenant] {
        QJsonArray sources;
        for (const SourceCount &source : m_catalog->sources(tenant))
            sources.append(QJsonObject{{QStringLiteral("source"), source.source},
                                       {QStringLiteral("documents"), source.documents}});
        return ApiReply::ok({{QStringLiteral("sources"), sources}});
    });
}

KnowledgeStore &KnowledgeRoutes::store()
{
    if (!m_store) {
        // The service created the file at start: opening a missing one now
        // would make a new, empty store behind the operator's back.
        if (!QFileInfo::exists(m_databasePath))
            throw StoreMissing(QStringLiteral("the store file %1 is missing: it was deleted "
                                              "while the service ran; restore it and restart")
                                   .arg(m_databasePath));
        auto store = std::make_unique<KnowledgeStore>(m_databasePath);
        store->open(m_embedder);
        m_store = std::move(store);
    }
    return *m_store;
}

ApiReply KnowledgeRoutes::remove(const RouteContext &context)
{
    const qint64 id = documentIdFrom(context);
    return onStoreThread(context, [this, tenant = context.access.tenant, id] {
        if (!store().deleteDocument(tenant, id))
            return ApiReply::error(404, QStringLiteral("Document not found"));
        return ApiReply::ok(
            {{QStringLiteral("deleted"), true}, {QStringLiteral("document_id"), id}});
    });
}

// An operator key without x-tenant re-embeds every tenant (and may change the
// store's embedder); any other admin only its tenant's chunks, with the
// store's own embedder, as vectors of one store come from one embedder.
ApiReply KnowledgeRoutes::reindex(const RouteContext &context)
{
    const bool everyTenant = context.access.anyTenant;
    JobRequest request;
    request.type = JobType::Reindex;
    request.tenant = everyTenant ? QString::fromLatin1(kEveryTenant) : context.access.tenant;
    request.source = QStringLiteral("reindex");
    request.timeoutSec = kReindexTimeoutSec;
    request.maxAttempts = 1;
    ReplyJson answer;
    answer.field("queued", true)
        .field("type", QByteArrayLiteral("reindex"))
        .field("tenant", QStringView(request.tenant))
        .field("embedder", QStringView(m_embedder.provider))
        .field("model", QStringView(m_embedder.model));
    if (everyTenant) {
        m_batcher.submitAndAnswer(std::move(request), answer, context.answer);
        return ApiReply::deferred();
    }
    m_storeThread.run<QString>(
        [this] {
            try {
                return store().embedderMismatch();
            } catch (const StoreError &) {
                return QString(); // the job meets it too, and reports it
            }
        },
        [this, request, answer, send = context.answer](const QString &mismatch) {
            if (!mismatch.isEmpty()) {
                send(ApiReply::error(
                    409, QStringLiteral("re-indexing one tenant keeps the store's embedder, and "
                                        "%1; only a '*' admin (no x-tenant) can re-index every "
                                        "tenant with the new one")
                             .arg(mismatch)));
                return;
            }
            m_batcher.submitAndAnswer(request, answer, send);
        });
    return ApiReply::deferred();
}

} // namespace aether
