#include "base/ingesterror.h"
#include "embed/embedderfactory.h"
#include "embed/ollamaembedder.h"
#include "embed/openaiembedder.h"
#include "fakeembeddingservice.h"
#include "freeport.h"

#include "config/settings.h"

#include <QElapsedTimer>
#include <QTest>

#include <cmath>
#include <functional>
#include <thread>

using namespace aether;
using namespace aether::test;

namespace {

constexpr int kDimension = 8;

Vector unit(Vector vector)
{
    double squares = 0.0;
    for (const float value : vector)
        squares += double(value) * double(value);
    for (float &value : vector)
        value = float(value / std::sqrt(squares));
    return vector;
}

bool nearlyEqual(const Vector &a, const Vector &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (std::fabs(a[i] - b[i]) > 1e-6f)
            return false;
    }
    return true;
}

QStringList numberedTexts(int count)
{
    QStringList texts;
    for (int i = 0; i < count; ++i)
        texts.append(QStringLiteral("passage number %1 about topic %2").arg(i).arg(i % 7));
    return texts;
}

// Runs `work`, expecting an EmbedError; returns it.
IngestError embedError(const std::function<void()> &work)
{
    try {
        work();
    } catch (const IngestError &error) {
        return error;
    }
    return IngestError(QStringLiteral("NoError"), QStringLiteral("no error was thrown"));
}

QString invalidArgument(const EmbedderConfig &config)
{
    try {
        createEmbedder(config);
    } catch (const std::invalid_argument &error) {
        return QString::fromStdString(error.what());
    }
    return {};
}

} // namespace

class TestEmbedProviders : public QObject
{
    Q_OBJECT

private:
    EmbedderConfig config(const QString &provider) const
    {
        EmbedderConfig config;
        config.provider = provider;
        config.model = QStringLiteral("test-model");
        config.baseUrl = m_service->baseUrl();
        config.timeoutMs = 5000;
        config.initialBackoffMs = 10; // keeps retry tests fast; Retry-After still counts
        config.maxBackoffMs = 2000;
        return config;
    }

    std::unique_ptr<Embedder> embedder(const QString &provider, int batchSize = 64)
    {
        EmbedderConfig c = config(provider);
        c.batchSize = batchSize;
        return createEmbedder(c);
    }

    std::unique_ptr<FakeEmbeddingService> m_service;

private Q_SLOTS:
    void init() { m_service = std::make_unique<FakeEmbeddingService>(kDimension); }
    void cleanup() { m_service.reset(); }

    void batchesKeepTheInputOrder_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QByteArray>("path");
        QTest::newRow("openai") << "openai" << QByteArray("/v1/embeddings");
        QTest::newRow("ollama") << "ollama" << QByteArray("/api/embed");
    }
    void batchesKeepTheInputOrder()
    {
        QFETCH(QString, provider);
        QFETCH(QByteArray, path);
        const QStringList texts = numberedTexts(130);
        const auto remote = embedder(provider, 64);
        const QList<Vector> vectors = remote->embed(texts);

        const QList<RecordedRequest> requests = m_service->requests();
        QCOMPARE(requests.size(), 3);
        QCOMPARE(requests[0].inputs.size(), 64);
        QCOMPARE(requests[1].inputs.size(), 64);
        QCOMPARE(requests[2].inputs.size(), 2);
        QCOMPARE(requests[0].inputs + requests[1].inputs + requests[2].inputs, texts);
        for (const RecordedRequest &request : requests) {
            QCOMPARE(request.method, QByteArray("POST"));
            QCOMPARE(request.path, path);
            QCOMPARE(request.model, QStringLiteral("test-model"));
            QVERIFY(request.headers.value("content-type").startsWith("application/json"));
        }
        QCOMPARE(vectors.size(), texts.size());
        for (qsizetype i = 0; i < texts.size(); ++i) {
            const Vector expected = unit(FakeEmbeddingService::vectorFor(texts[i], kDimension));
            QVERIFY2(nearlyEqual(vectors[i], expected), qPrintable(texts[i]));
        }
        QCOMPARE(remote->provider(), provider);
        QCOMPARE(remote->dimension(), kDimension);
    }

    void vectorsHaveUnitLength()
    {
        const auto remote = embedder(QStringLiteral("ollama"));
        for (const Vector &vector : remote->embed(numberedTexts(5))) {
            double squares = 0.0;
            for (const float value : vector)
                squares += double(value) * double(value);
            QVERIFY(std::fabs(squares - 1.0) < 1e-5);
        }
    }

    void noTextsNoRequest()
    {
        QVERIFY(embedder(QStringLiteral("openai"))->embed(QStringList()).isEmpty());
        QVERIFY(m_service->requests().isEmpty());
    }

    void emptyTextsAreSentAsABlank()
    {
        const auto vectors =
            embedder(QStringLiteral("openai"))->embed({QString(), QStringLiteral("x")});
        QCOMPARE(vectors.size(), 2);
        QCOMPARE(m_service->requests().value(0).inputs, QStringList({" ", "x"}));
    }

    void openAiAnswersAreOrderedByIndex()
    {
        m_service->enqueue(FakeAnswer::reversedOrder());
        const QStringList texts = numberedTexts(5);
        const QList<Vector> vectors = embedder(QStringLiteral("openai"))->embed(texts);
        for (qsizetype i = 0; i < texts.size(); ++i)
            QVERIFY(nearlyEqual(vectors[i],
                                unit(FakeEmbeddingService::vectorFor(texts[i], kDimension))));
    }

    void authorizationHeaderOnlyWithAKey()
    {
        EmbedderConfig withKey = config(QStringLiteral("openai"));
        withKey.apiKey = QStringLiteral("sk-test-123");
        createEmbedder(withKey)->embed({QStringLiteral("a")});
        createEmbedder(config(QStringLiteral("openai")))->embed({QStringLiteral("b")});
        const QList<RecordedRequest> requests = m_service->requests();
        QCOMPARE(requests.size(), 2);
        QCOMPARE(requests[0].headers.value("authorization"), QByteArray("Bearer sk-test-123"));
        QVERIFY(!requests[1].headers.contains("authorization"));
    }

    void openAiBaseUrlWithOrWithoutV1()
    {
        for (const QString &suffix : {QString(), QStringLiteral("/"), QStringLiteral("/v1"),
                                      QStringLiteral("/v1/"), QStringLiteral("/v1/embeddings")}) {
            EmbedderConfig c = config(QStringLiteral("openai"));
            c.baseUrl = m_service->baseUrl() + suffix;
            createEmbedder(c)->embed({QStringLiteral("a")});
            QCOMPARE(m_service->requests().constLast().path, QByteArray("/v1/embeddings"));
        }
        QCOMPARE(OpenAiEmbedder::endpointFor(QString()),
                 QUrl(QStringLiteral("https://api.openai.com/v1/embeddings")));
        QCOMPARE(OpenAiEmbedder::endpointFor(QStringLiteral("http://gpu:8000/proxy/v1")),
                 QUrl(QStringLiteral("http://gpu:8000/proxy/v1/embeddings")));
        QCOMPARE(OllamaEmbedder::endpointFor(QString()),
                 QUrl(QStringLiteral("http://127.0.0.1:11434/api/embed")));
        QCOMPARE(OllamaEmbedder::endpointFor(QStringLiteral("http://box:11434/")),
                 QUrl(QStringLiteral("http://box:11434/api/embed")));
    }

    void tooManyRequestsThenSuccess()
    {
        m_service->enqueue(FakeAnswer::error(429, "slow down", "0"), 2);
        m_service->enqueue(FakeAnswer::error(429, "slow down", "1"));
        QElapsedTimer clock;
        clock.start();
        const auto vectors = embedder(QStringLiteral("openai"))->embed(numberedTexts(3));
        QCOMPARE(vectors.size(), 3);
        QCOMPARE(m_service->requests().size(), 4);
        QVERIFY2(clock.elapsed() >= 950, "Retry-After: 1 was not waited for");
        QVERIFY(clock.elapsed() < 4000);
    }

    void serverErrorThenSuccess_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::newRow("openai") << "openai";
        QTest::newRow("ollama") << "ollama";
    }
    void serverErrorThenSuccess()
    {
        QFETCH(QString, provider);
        m_service->enqueue(FakeAnswer::error(500, "model is loading"));
        m_service->enqueue(FakeAnswer::drop());
        m_service->enqueue(FakeAnswer::error(503, "busy"));
        QCOMPARE(embedder(provider)->embed(numberedTexts(2)).size(), 2);
        QCOMPARE(m_service->requests().size(), 4);
    }

    void retriesExhaustedIsTransient()
    {
        m_service->enqueue(FakeAnswer::error(503, "overloaded"), 10);
        EmbedderConfig c = config(QStringLiteral("ollama"));
        c.maxAttempts = 3;
        auto remote = createEmbedder(c);
        const IngestError error = embedError([&] { remote->embed(numberedTexts(2)); });
        QCOMPARE(error.kind(), QStringLiteral("EmbedError"));
        QVERIFY(error.isTransient());
        QVERIFY2(error.message().contains(QLatin1String("after 3 attempts")),
                 qPrintable(error.message()));
        QVERIFY2(error.message().contains(QLatin1String("503")), qPrintable(error.message()));
        QVERIFY2(error.message().contains(QLatin1String("overloaded")),
                 qPrintable(error.message()));
        QCOMPARE(m_service->requests().size(), 3);
    }

    void unreachableServiceIsTransient()
    {
        EmbedderConfig c = config(QStringLiteral("openai"));
        c.baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(freePort());
        c.maxAttempts = 2;
        auto remote = createEmbedder(c);
        const IngestError error = embedError([&] { remote->embed({QStringLiteral("a")}); });
        QCOMPARE(error.kind(), QStringLiteral("EmbedError"));
        QVERIFY(error.isTransient());
        QVERIFY2(error.message().contains(QLatin1String("connection")),
                 qPrintable(error.message()));
    }

    void clientErrorsArePermanentWithTheServiceMessage_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("openai 401") << "openai" << 401 << QByteArray("Incorrect API key provided");
        QTest::newRow("ollama 404")
            << "ollama" << 404
            << QByteArray("model \"test-model\" not found, try pulling it first");
        QTest::newRow("openai 400") << "openai" << 400 << QByteArray("input is too long");
    }
    void clientErrorsArePermanentWithTheServiceMessage()
    {
        QFETCH(QString, provider);
        QFETCH(int, status);
        QFETCH(QByteArray, message);
        m_service->enqueue(FakeAnswer::error(status, message));
        auto remote = embedder(provider);
        const IngestError error = embedError([&] { remote->embed({QStringLiteral("a")}); });
        QCOMPARE(error.kind(), QStringLiteral("EmbedError"));
        QVERIFY(!error.isTransient());
        QVERIFY2(error.message().contains(QString::number(status)), qPrintable(error.message()));
        QVERIFY2(error.message().contains(QString::fromUtf8(message)), qPrintable(error.message()));
        QCOMPARE(m_service->requests().size(), 1);
    }

    void dimensionIsLearnedFromTheFirstAnswer()
    {
        auto remote = embedder(QStringLiteral("openai"));
        QCOMPARE(remote->dimension(), 0);
        remote->embed({QStringLiteral("a")});
        QCOMPARE(remote->dimension(), kDimension);

        auto probed = embedder(QStringLiteral("ollama"));
        QCOMPARE(probed->probe(CancelToken::never()), kDimension);
        QCOMPARE(probed->dimension(), kDimension);
        QCOMPARE(probed->probe(CancelToken::never()), kDimension); // known: no second request
        QCOMPARE(m_service->requests().size(), 2);
        QCOMPARE(m_service->requests().constLast().inputs.size(), 1);
    }

    void wrongDimensionOnALaterBatchIsRefused()
    {
        m_service->enqueue(FakeAnswer::vectors());
        m_service->enqueue(FakeAnswer::withDimension(5));
        auto remote = embedder(QStringLiteral("openai"), 2);
        const IngestError error = embedError([&] { remote->embed(numberedTexts(4)); });
        QCOMPARE(error.kind(), QStringLiteral("EmbedError"));
        QVERIFY(!error.isTransient());
        QVERIFY2(error.message().startsWith(
                     QLatin1String("embedding service answered 5 dimensions, expected 8")),
                 qPrintable(error.message()));
        // A later call is held to the same dimension.
        m_service->enqueue(FakeAnswer::withDimension(16));
        QVERIFY(embedError([&] { remote->embed({QStringLiteral("a")}); })
                    .message()
                    .contains(QLatin1String("answered 16 dimensions, expected 8")));
        QCOMPARE(remote->dimension(), kDimension);
    }

    void malformedAnswersArePermanentErrors()
    {
        auto remote = embedder(QStringLiteral("ollama"));
        m_service->enqueue(FakeAnswer::garbage());
        IngestError error = embedError([&] { remote->embed({QStringLiteral("a")}); });
        QVERIFY(!error.isTransient());
        QVERIFY2(error.message().contains(QLatin1String("not a JSON object")),
                 qPrintable(error.message()));
        QVERIFY2(error.message().contains(QLatin1String("upstream is napping")),
                 qPrintable(error.message()));

        m_service->enqueue(FakeAnswer::tooFew(1));
        error = embedError([&] { remote->embed(numberedTexts(4)); });
        QVERIFY(!error.isTransient());
        QVERIFY2(error.message().contains(QLatin1String("3 vectors for 4 texts")),
                 qPrintable(error.message()));
    }

    void timeoutFailsWithinAboutTheTimeout()
    {
        m_service->enqueue(FakeAnswer::hang(), 5);
        EmbedderConfig c = config(QStringLiteral("openai"));
        c.timeoutMs = 500;
        auto remote = createEmbedder(c);
        QElapsedTimer clock;
        clock.start();
        const IngestError error = embedError([&] { remote->embed({QStringLiteral("a")}); });
        const qint64 elapsed = clock.elapsed();
        QCOMPARE(error.kind(), QStringLiteral("EmbedError"));
        QVERIFY(error.isTransient());
        QVERIFY2(error.message().contains(QLatin1String("did not answer within 0.5 s")),
                 qPrintable(error.message()));
        QVERIFY2(elapsed >= 450 && elapsed < 1500, qPrintable(QString::number(elapsed)));
        QCOMPARE(m_service->requests().size(), 1);
    }

    void cancelInterruptsAHangingRequest()
    {
        m_service->enqueue(FakeAnswer::hang());
        EmbedderConfig c = config(QStringLiteral("ollama"));
        c.timeoutMs = 30000;
        auto remote = createEmbedder(c);
        CancelToken token;
        std::thread canceller([&token] {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            token.interrupt(JobInterrupted::Reason::Canceled);
        });
        QElapsedTimer clock;
        clock.start();
        bool interrupted = false;
        try {
            remote->embed({QStringLiteral("a")}, token);
        } catch (const JobInterrupted &stop) {
            interrupted = stop.reason() == JobInterrupted::Reason::Canceled;
        }
        canceller.join();
        QVERIFY(interrupted);
        QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
    }

    void cancelInterruptsARetryWait()
    {
        m_service->enqueue(FakeAnswer::error(429, "later", "30"));
        EmbedderConfig c = config(QStringLiteral("openai"));
        c.maxBackoffMs = 60000;
        auto remote = createEmbedder(c);
        const CancelToken token(CancelToken::Clock::now() + std::chrono::milliseconds(300));
        QElapsedTimer clock;
        clock.start();
        bool timedOut = false;
        try {
            remote->embed({QStringLiteral("a")}, token);
        } catch (const JobInterrupted &stop) {
            timedOut = stop.reason() == JobInterrupted::Reason::Timeout;
        }
        QVERIFY(timedOut);
        QVERIFY2(clock.elapsed() < 1500, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(m_service->requests().size(), 1);
    }

    void factoryChoosesAndRefuses()
    {
        EmbedderConfig hash;
        const auto local = createEmbedder(hash);
        QCOMPARE(local->provider(), QStringLiteral("hash"));
        QCOMPARE(local->dimension(), 384);
        QCOMPARE(local->probe(CancelToken::never()), 384);

        EmbedderConfig ollama = config(QStringLiteral("ollama"));
        ollama.model.clear();
        QCOMPARE(createEmbedder(ollama)->model(), QStringLiteral("nomic-embed-text"));

        EmbedderConfig unknown = config(QStringLiteral("cohere"));
        QCOMPARE(
            invalidArgument(unknown),
            QStringLiteral("unknown EMBED_PROVIDER 'cohere'; use one of: hash, openai, ollama"));
        EmbedderConfig noModel = config(QStringLiteral("openai"));
        noModel.model.clear();
        QCOMPARE(invalidArgument(noModel),
                 QStringLiteral("EMBED_MODEL is required for the openai provider"));
        EmbedderConfig badUrl = config(QStringLiteral("ollama"));
        badUrl.baseUrl = QStringLiteral("localhost:11434");
        QVERIFY(invalidArgument(badUrl).startsWith(QLatin1String("EMBED_BASE_URL")));
    }

    void configFromSettings()
    {
        Settings settings;
        settings.embedProvider = QStringLiteral("openai");
        settings.embedModel = QStringLiteral("m");
        settings.embedBaseUrl = QStringLiteral("http://h:1/v1");
        settings.embedApiKey = QStringLiteral("k");
        settings.embedBatchSize = 16;
        settings.embedTimeoutSec = 9;
        const EmbedderConfig c = embedderConfig(settings);
        QCOMPARE(c.provider, QStringLiteral("openai"));
        QCOMPARE(c.model, QStringLiteral("m"));
        QCOMPARE(c.baseUrl, QStringLiteral("http://h:1/v1"));
        QCOMPARE(c.apiKey, QStringLiteral("k"));
        QCOMPARE(c.batchSize, 16);
        QCOMPARE(c.timeoutMs, 9000);
    }
};

QTEST_GUILESS_MAIN(TestEmbedProviders)
#include "tst_embedproviders.moc"
