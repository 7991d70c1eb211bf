#include "server/searchroutes.h"

#include "access/accesspolicy.h"
#include "server/jsonbody.h"
#include "server/metadatafilter.h"

#include <QHttpServerRequest>
#include <QJsonArray>
#include <QUrlQuery>
#include <cmath>

namespace aether {

namespace {

constexpr int kMaxQueryChars = 2000;

SearchQuery::Mode modeFrom(const QString &name)
{
    if (name.isEmpty() || name == QLatin1String("hybrid"))
        return SearchQuery::Mode::Hybrid;
    if (name == QLatin1String("vector"))
        return SearchQuery::Mode::Vector;
    if (name == QLatin1String("keyword"))
        return SearchQuery::Mode::Keyword;
    throw ApiError{422, QStringLiteral("field 'mode' must be hybrid, vector or keyword")};
}

int kFrom(const QJsonValue &value)
{
    if (value.isUndefined() || value.isNull())
        return 5;
    bool ok = value.isDouble();
    int k = value.toInt();
    if (value.isString())
        k = value.toString().toInt(&ok);
    if (!ok || k < 1 || k > SearchRoutes::kMaxK)
        throw ApiError{422, QStringLiteral("field 'k' must be a whole number from 1 to %1")
                                .arg(SearchRoutes::kMaxK)};
    return k;
}

QJsonArray spansJson(const QList<TextSpan> &spans)
{
    QJsonArray array;
    for (const TextSpan &span : spans)
        array.append(QJsonArray{span.start, span.end});
    return array;
}

QJsonObject hitJson(const SearchHit &hit)
{
    QJsonObject json{
        {QStringLiteral("chunk_id"), hit.chunkId},
        {QStringLiteral("document_id"), hit.documentId},
        {QStringLiteral("score"), hit.score},
        {QStringLiteral("matched"), hit.matched},
        {QStringLiteral("relevance"), std::round(hit.relevance * 1000) / 1000},
        {QStringLiteral("text"), hit.text},
        {QStringLiteral("snippet"), hit.snippet.text},
        {QStringLiteral("highlights"), spansJson(hit.snippet.highlights)},
        {QStringLiteral("snippet_highlights"), spansJson(hit.snippet.snippetHighlights)},
        {QStringLiteral("source"), hit.source},
        {QStringLiteral("title"), hit.title.isEmpty() ? QJsonValue() : QJsonValue(hit.title)},
        {QStringLiteral("page"), hit.page > 0 ? QJsonValue(hit.page) : QJsonValue()},
        {QStringLiteral("heading"),
         hit.heading.isEmpty() ? QJsonValue() : QJsonValue(hit.heading)}};
    json.insert(QStringLiteral("metadata"), hit.metadata);
    if (!hit.fileName.isEmpty())
        json.insert(QStringLiteral("filename"), hit.fileName);
    if (!hit.url.isEmpty())
        json.insert(QStringLiteral("url"), hit.url);
    return json;
}

// `min_score`: the least relevance (0 to 1) a hit must have to be returned.
double minScoreFrom(const QJsonValue &value)
{
    if (value.isUndefined() || value.isNull())
        return 0;
    bool ok = value.isDouble();
    double minimum = value.toDouble();
    if (value.isString())
        minimum = value.toString().toDouble(&ok);
    if (!ok || !(minimum >= 0 && minimum <= 1))
        throw ApiError{422, QStringLiteral("field 'min_score' must be a number from 0 to 1")};
    return minimum;
}

} // namespace

SearchRoutes::SearchRoutes(const QString &databasePath, std::unique_ptr<Embedder> queryEmbedder)
    : m_search(databasePath, std::move(queryEmbedder))
{}

void SearchRoutes::registerOn(Router &router)
{
    router.add("GET", QStringLiteral("/knowledge/search"), Role::Viewer,
               [this](const RouteContext &context) { return searchByUrl(context); });
    router.add("POST", QStringLiteral("/knowledge/search"), Role::Viewer,
               [this](const RouteContext &context) { return searchByBody(context); });
}

ApiReply SearchRoutes::searchByUrl(const RouteContext &context)
{
    const QUrlQuery parameters(context.request.url());
    SearchQuery query;
    query.text = parameters.queryItemValue(QStringLiteral("q"), QUrl::FullyDecoded);
    if (query.text.trimmed().isEmpty())
        throw ApiError{422, QStringLiteral("parameter 'q' is required")};
    if (query.text.size() > kMaxQueryChars)
        throw ApiError{
            422, QStringLiteral("parameter 'q' is longer than %1 characters").arg(kMaxQueryChars)};
    if (parameters.hasQueryItem(QStringLiteral("k")))
        query.k = kFrom(QJsonValue(parameters.queryItemValue(QStringLiteral("k"))));
    if (parameters.hasQueryItem(QStringLiteral("min_score")))
        query.minRelevance =
            minScoreFrom(QJsonValue(parameters.queryItemValue(QStringLiteral("min_score"))));
    query.source = parameters.queryItemValue(QStringLiteral("source"), QUrl::FullyDecoded);
    query.mode = modeFrom(parameters.queryItemValue(QStringLiteral("mode")));
    query.filter = filterFromQuery(parameters);
    query.tenant = context.access.tenant;
    return answer(context, query);
}

ApiReply SearchRoutes::searchByBody(const RouteContext &context)
{
    const JsonBody body(context.request);
    SearchQuery query;
    query.text = body.requiredString(QStringLiteral("query"), kMaxQueryChars);
    query.k = kFrom(body.object().value(QStringLiteral("k")));
    query.minRelevance = minScoreFrom(body.object().value(QStringLiteral("min_score")));
    query.source = body.optionalString(QStringLiteral("source"), QString(), 200);
    query.mode = modeFrom(body.optionalString(QStringLiteral("mode"), QString(), 20));
    query.filter = filterFromBody(body.object().value(QStringLiteral("filter")));
    query.tenant = context.access.tenant;
    return answer(context, query);
}

ApiReply SearchRoutes::answer(const RouteContext &context, SearchQuery query)
{
    m_search.run(
        query, [send = context.answer](const QList<SearchHit> &hits, const QString &error) {
            if (!error.isEmpty())
                return send(ApiReply::error(503, QStringLiteral("store unavailable: ") + error));
            QJsonArray results;
            for (const SearchHit &hit : hits)
                results.append(hitJson(hit));
            send(ApiReply::ok({{QStringLiteral("results"), results}}));
        });
    return ApiReply::deferred();
}

} // namespace aether
