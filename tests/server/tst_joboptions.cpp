// The job options every enqueue endpoint reads (priority, timeout,
// max_attempts): accepted values, and clear 422s for everything else,
// including numbers far outside any range (a fuzzing find).
#include "server/joboptions.h"
#include "server/jsonbody.h"

#include <QTest>

using namespace aether;

namespace {

// The ApiError's status, or 0 when the options were accepted.
int statusFor(const QByteArray &json, JobRequest *request = nullptr)
{
    JobRequest scratch;
    JobRequest &target = request ? *request : scratch;
    try {
        const JsonBody body(json);
        readJobOptions([&body](const QString &name) { return body.object().value(name); },
                       IngestLimits{}, target);
    } catch (const ApiError &error) {
        return error.status;
    }
    return 0;
}

} // namespace

class TestJobOptions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acceptsValidOptions()
    {
        JobRequest request;
        QCOMPARE(statusFor(R"({"priority":"HIGH","timeout":30,"max_attempts":"2"})", &request), 0);
        QCOMPARE(request.priority, QByteArray("high"));
        QCOMPARE(request.timeoutSec, 30);
        QCOMPARE(request.maxAttempts, 2);
    }

    void refusesOutOfRangeNumbers_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("huge") << QByteArray(R"({"timeout":88888888888888888888888882})");
        QTest::newRow("negative huge") << QByteArray(R"({"timeout":-1e300})");
        QTest::newRow("fraction") << QByteArray(R"({"timeout":1.5})");
        QTest::newRow("zero") << QByteArray(R"({"max_attempts":0})");
        QTest::newRow("too many") << QByteArray(R"({"max_attempts":11})");
        QTest::newRow("text") << QByteArray(R"({"timeout":"soon"})");
        QTest::newRow("priority") << QByteArray(R"({"priority":"urgent"})");
    }

    void refusesOutOfRangeNumbers()
    {
        QFETCH(QByteArray, json);
        QCOMPARE(statusFor(json), 422);
    }
};

QTEST_GUILESS_MAIN(TestJobOptions)
#include "tst_joboptions.moc"
