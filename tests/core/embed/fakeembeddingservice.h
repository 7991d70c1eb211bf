#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVector>

namespace aether::test {

// One way of answering a request, queued with FakeEmbeddingService::enqueue().
struct FakeAnswer
{
    enum class Kind
    {
        Vectors, // a well-formed answer
        Error,   // `status` with the provider's error body and optional Retry-After
        Garbage, // 200 with a body that is not JSON
        Hang,    // never answers
        Drop     // closes the connection without answering
    };
    Kind kind = Kind::Vectors;
    int dimension = 0;     // Vectors: 0 = the service's dimension
    bool reversed = false; // Vectors, openai: the "data" items listed last index first
    int missing = 0;       // Vectors: this many vectors fewer than texts
    int status = 200;
    QByteArray message;    // Error: the service's error message
    QByteArray retryAfter; // Error: the Retry-After header, empty for none

    static FakeAnswer vectors() { return {}; }
    static FakeAnswer withDimension(int dimension);
    static FakeAnswer reversedOrder();
    static FakeAnswer tooFew(int missing);
    static FakeAnswer error(int status, const QByteArray &message,
                            const QByteArray &retryAfter = {});
    static FakeAnswer garbage();
    static FakeAnswer hang();
    static FakeAnswer drop();
};

struct RecordedRequest
{
    QByteArray method;
    QByteArray path;
    QHash<QByteArray, QByteArray> headers; // names in lower case
    QByteArray body;
    QString model;
    QStringList inputs;
};

// An embedding service on 127.0.0.1 and a free port that speaks both protocols:
// OpenAI's on any path ending in /embeddings, Ollama's on /api/embed. It runs on
// its own thread, so a test may block in an embedder while it serves. Vectors
// are derived from the input texts (see vectorFor), not of unit length.
class FakeEmbeddingService
{
public:
    explicit FakeEmbeddingService(int dimension = 8);
    ~FakeEmbeddingService();
    FakeEmbeddingService(const FakeEmbeddingService &) = delete;
    FakeEmbeddingService &operator=(const FakeEmbeddingService &) = delete;

    QString baseUrl() const; // "http://127.0.0.1:<port>"
    // The next `times` requests are answered so; after the queue, normally.
    void enqueue(const FakeAnswer &answer, int times = 1);
    QList<RecordedRequest> requests() const;

    static QVector<float> vectorFor(const QString &text, int dimension);

private:
    class Impl;
    Impl *d;
};

} // namespace aether::test
