// ReplyJson writes the enqueue answers by hand; whatever a caller puts in a
// URL, file name or source, the answer must stay JSON that reads back the same.
#include "server/replyjson.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace aether;

class ReplyJsonTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyStringReadsBackAsWritten_data()
    {
        QTest::addColumn<QString>("value");
        QTest::newRow("plain") << QStringLiteral("docs");
        QTest::newRow("empty") << QString();
        QTest::newRow("quotes and backslashes") << QStringLiteral("a \"b\" \\c\\ \\\"d\\\"");
        QTest::newRow("line breaks and tabs") << QStringLiteral("a\nb\r\nc\td");
        QString controls;
        for (char16_t c = 1; c < 0x20; ++c)
            controls.append(QChar(c));
        controls.append(QChar(0x7f));
        QTest::newRow("every control character") << controls;
        QTest::newRow("non-ASCII") << QStringLiteral("Größe 東京 🧊 café");
        QTest::newRow("closing a string and an object")
            << QStringLiteral("x\",\"ok\":false,\"job_id\":\"y\"}");
    }

    void everyStringReadsBackAsWritten()
    {
        QFETCH(QString, value);
        ReplyJson json;
        json.field("ok", true).field("filename", QStringView(value)).field("queued", false);
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(json.object(), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        const QJsonObject object = document.object();
        QCOMPARE(object.size(), 3);
        QCOMPARE(object.value(QStringLiteral("filename")).toString(), value);
        QCOMPARE(object.value(QStringLiteral("ok")), QJsonValue(true));
        QCOMPARE(object.value(QStringLiteral("queued")), QJsonValue(false));
    }

    void membersOfAnotherBuilderFollow()
    {
        ReplyJson answer;
        answer.field("type", QByteArrayLiteral("text"));
        ReplyJson reply;
        reply.field("job_id", QByteArrayLiteral("abc")).fieldsOf(answer).fieldsOf(ReplyJson());
        QCOMPARE(reply.object(), QByteArray("{\"job_id\":\"abc\",\"type\":\"text\"}"));
        QCOMPARE(ReplyJson().fieldsOf(answer).object(), QByteArray("{\"type\":\"text\"}"));
        QCOMPARE(ReplyJson().object(), QByteArray("{}"));
    }
};

QTEST_GUILESS_MAIN(ReplyJsonTest)
#include "tst_replyjson.moc"
