// PickleWriter's bytes, decoded by Python's own pickle module (the system
// python3 that RQ runs on): what RQ's Job.restore and job.result will read.

#include "queue/pickle.h"
#include "queue/rqcall.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace aether;

namespace {

const QString kPython = QStringLiteral("/usr/bin/python3");

// Loads the pickle in Python and returns repr() of the value (or the error).
QByteArray pythonRepr(const QByteArray &pickle)
{
    QProcess python;
    python.start(kPython, {QStringLiteral("-c"),
                           QStringLiteral("import pickle, sys\n"
                                          "print(repr(pickle.loads(sys.stdin.buffer.read())))")});
    if (!python.waitForStarted(10000))
        return "cannot start python3";
    python.write(pickle);
    python.closeWriteChannel();
    if (!python.waitForFinished(20000))
        return "python3 did not finish";
    const QByteArray output = python.readAllStandardOutput() + python.readAllStandardError();
    return output.trimmed();
}

} // namespace

class TstPickle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFile::exists(kPython))
            QSKIP("no /usr/bin/python3");
    }

    void scalarsDecode_data()
    {
        QTest::addColumn<QByteArray>("pickle");
        QTest::addColumn<QByteArray>("repr");
        QTest::newRow("none") << PickleWriter().none().finish() << QByteArray("None");
        QTest::newRow("true") << PickleWriter().boolean(true).finish() << QByteArray("True");
        QTest::newRow("false") << PickleWriter().boolean(false).finish() << QByteArray("False");
        QTest::newRow("zero") << PickleWriter().integer(0).finish() << QByteArray("0");
        QTest::newRow("negative") << PickleWriter().integer(-5).finish() << QByteArray("-5");
        QTest::newRow("int32 max")
            << PickleWriter().integer(2147483647).finish() << QByteArray("2147483647");
        QTest::newRow("int32 min")
            << PickleWriter().integer(-2147483647LL - 1).finish() << QByteArray("-2147483648");
        QTest::newRow("past int32")
            << PickleWriter().integer(2147483648LL).finish() << QByteArray("2147483648");
        QTest::newRow("below int32")
            << PickleWriter().integer(-2147483649LL).finish() << QByteArray("-2147483649");
        QTest::newRow("2^40") << PickleWriter().integer(1099511627776LL).finish()
                              << QByteArray("1099511627776");
        QTest::newRow("int64 max") << PickleWriter().integer(9223372036854775807LL).finish()
                                   << QByteArray("9223372036854775807");
        QTest::newRow("int64 min") << PickleWriter().integer(-9223372036854775807LL - 1).finish()
                                   << QByteArray("-9223372036854775808");
        QTest::newRow("0x80 needs a sign byte")
            << PickleWriter().integer(0x80000000LL).finish() << QByteArray("2147483648");
        QTest::newRow("float") << PickleWriter().real(0.1).finish() << QByteArray("0.1");
        QTest::newRow("negative float")
            << PickleWriter().real(-12345.678).finish() << QByteArray("-12345.678");
        QTest::newRow("ascii") << PickleWriter().text(u"hello").finish() << QByteArray("'hello'");
        QTest::newRow("empty str") << PickleWriter().text(u"").finish() << QByteArray("''");
        QTest::newRow("non-ascii") << PickleWriter().text(QStringLiteral("café ☃ 日本 🎉")).finish()
                                   << QStringLiteral("'café ☃ 日本 🎉'").toUtf8();
        QTest::newRow("quotes and newline")
            << PickleWriter().text(u"it's\n\"x\"").finish() << QByteArray("'it\\'s\\n\"x\"'");
    }

    void scalarsDecode()
    {
        QFETCH(QByteArray, pickle);
        QFETCH(QByteArray, repr);
        QCOMPARE(pythonRepr(pickle), repr);
    }

    void containersDecode()
    {
        QCOMPARE(pythonRepr(PickleWriter().beginTuple().endTuple().finish()), QByteArray("()"));
        QCOMPARE(pythonRepr(PickleWriter().beginTuple().integer(1).endTuple().finish()),
                 QByteArray("(1,)"));
        QCOMPARE(pythonRepr(PickleWriter().beginList().endList().finish()), QByteArray("[]"));
        QCOMPARE(pythonRepr(PickleWriter().beginDict().endDict().finish()), QByteArray("{}"));
        PickleWriter nested;
        nested.beginDict()
            .text(u"list")
            .beginList()
            .integer(1)
            .real(2.5)
            .none()
            .beginTuple()
            .endTuple()
            .endList()
            .text(u"dict")
            .beginDict()
            .text(u"ключ")
            .text(u"значение")
            .text(u"big")
            .integer(1LL << 62)
            .endDict()
            .endDict();
        QCOMPARE(pythonRepr(nested.finish()),
                 QStringLiteral("{'list': [1, 2.5, None, ()], 'dict': {'ключ': 'значение', "
                                "'big': 4611686018427387904}}")
                     .toUtf8());
    }

    // RQ's `data`: (func_name, instance, args, kwargs), as JobQueue writes it.
    void anRqCallDecodes()
    {
        PickleWriter call;
        call.beginTuple()
            .text(u"aether_ingest.ingest_url_job")
            .none()
            .beginTuple()
            .text(u"https://example.org/ü")
            .endTuple()
            .beginDict()
            .text(u"source")
            .text(u"docs")
            .text(u"size")
            .integer(12)
            .endDict()
            .endTuple();
        QCOMPARE(
            pythonRepr(call.finish()),
            QStringLiteral("('aether_ingest.ingest_url_job', None, ('https://example.org/ü',), "
                           "{'source': 'docs', 'size': 12})")
                .toUtf8());
    }

    // The description RQ shows names the call as Python would write it.
    void anRqCallIsDescribedAsAPythonCall()
    {
        const RqCall url =
            rqCall({"url", "https://example.org/it's\\a", "docs", "t", "default", -1, {}});
        QCOMPARE(url.description,
                 QByteArray("aether_ingest.ingest_url_job('https://example.org/it\\'s\\\\a')"));
        QCOMPARE(rqCall({"text", {}, "docs", "t", "default", 5, {}}).description,
                 QByteArray("aether_ingest.ingest_text_job()"));
        // A job with a name: RQ's description is free text, and tools show it.
        QCOMPARE(rqCall({"text", {}, "docs", "t", "default", 5, "Otters hold hands …"}).description,
                 QByteArray("Otters hold hands …"));
    }

    // A job's result object (JSON) as RQ's job.result shows it.
    void jsonDecodesAsPythonValues()
    {
        const QJsonObject result =
            QJsonDocument::fromJson(QStringLiteral("{\"ok\":true,\"chunks\":3,\"score\":0.25,"
                                                   "\"url\":\"https://ä.example\",\"ids\":[1,2],"
                                                   "\"none\":null,\"big\":123456789012}")
                                        .toUtf8())
                .object();
        QCOMPARE(pythonRepr(PickleWriter().json(result).finish()),
                 QStringLiteral("{'big': 123456789012, 'chunks': 3, 'ids': [1, 2], 'none': None, "
                                "'ok': True, 'score': 0.25, 'url': 'https://ä.example'}")
                     .toUtf8());
    }
};

QTEST_GUILESS_MAIN(TstPickle)
#include "tst_pickle.moc"
