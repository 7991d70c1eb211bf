#include "server/multipartparser.h"

#include <QTest>

using aether::MultipartParser;
using aether::MultipartPart;

namespace {

const QByteArray kBoundary = "----AetherBoundary7MA4YWxkTrZu0gW";

// One part on the wire: its header lines (without the blank line) and data.
QByteArray wirePart(const QByteArray &headers, const QByteArray &data)
{
    return "--" + kBoundary + "\r\n" + headers + "\r\n\r\n" + data + "\r\n";
}

QByteArray closing()
{
    return "--" + kBoundary + "--\r\n";
}

QByteArray fieldPart(const QByteArray &name, const QByteArray &data)
{
    return wirePart("Content-Disposition: form-data; name=\"" + name + "\"", data);
}

QByteArray filePart(const QByteArray &fileNameParameters, const QByteArray &data)
{
    return wirePart("Content-Disposition: form-data; name=\"file\"; " + fileNameParameters +
                        "\r\nContent-Type: application/octet-stream",
                    data);
}

QByteArray allByteValues()
{
    QByteArray bytes;
    for (int i = 0; i < 256; ++i)
        bytes.append(char(i));
    return bytes;
}

} // namespace

class TestMultipartParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void boundaryFrom_data();
    void boundaryFrom();
    void parsesFieldsAndFiles();
    void binaryData_data();
    void binaryData();
    void transportPaddingAfterBoundary();
    void closingBoundaryWithoutCrlf();
    void quotedParameters();
    void headerNamesAreCaseInsensitive();
    void extendedFileNameWins();
    void fileNameSanitized_data();
    void fileNameSanitized();
    void emptyFileNameIsNotAFile();
    void preambleAndEpilogue();
    void emptyData();
    void partWithoutHeadersIsRejected();
    void noParts();
    void errors_data();
    void errors();
    void oversizedHeaders();
    void tooManyParts();
    void errorClearedAfterSuccess();
    void largeFilePart();
};

void TestMultipartParser::boundaryFrom_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("boundary");

    const QByteArray seventy(70, 'b');
    QTest::newRow("token") << QByteArray("multipart/form-data; boundary=abc") << QByteArray("abc");
    QTest::newRow("quoted") << QByteArray("multipart/form-data; boundary=\"a b:c\"")
                            << QByteArray("a b:c");
    QTest::newRow("case-insensitive")
        << QByteArray("Multipart/Form-Data; BOUNDARY=xyz") << QByteArray("xyz");
    QTest::newRow("spaces") << QByteArray("  multipart/form-data ;  boundary = xyz  ")
                            << QByteArray("xyz");
    QTest::newRow("other parameters")
        << QByteArray("multipart/form-data; charset=utf-8; boundary=xyz; x=y") << QByteArray("xyz");
    QTest::newRow("semicolon in quotes")
        << QByteArray("multipart/form-data; foo=\"a;boundary=wrong\"; boundary=\"ri;ght\"")
        << QByteArray("ri;ght");
    QTest::newRow("escaped quote")
        << QByteArray("multipart/form-data; boundary=\"a\\\"b\"") << QByteArray("a\"b");
    QTest::newRow("70 characters")
        << QByteArray("multipart/form-data; boundary=" + seventy) << seventy;
    QTest::newRow("71 characters")
        << QByteArray("multipart/form-data; boundary=" + seventy + "b") << QByteArray();
    QTest::newRow("empty token") << QByteArray("multipart/form-data; boundary=") << QByteArray();
    QTest::newRow("empty quoted") << QByteArray("multipart/form-data; boundary=\"\"")
                                  << QByteArray();
    QTest::newRow("unterminated quote")
        << QByteArray("multipart/form-data; boundary=\"abc") << QByteArray();
    QTest::newRow("no boundary") << QByteArray("multipart/form-data") << QByteArray();
    QTest::newRow("mixed") << QByteArray("multipart/mixed; boundary=abc") << QByteArray();
    QTest::newRow("prefix only") << QByteArray("multipart/form-datax; boundary=abc")
                                 << QByteArray();
    QTest::newRow("empty") << QByteArray() << QByteArray();
}

void TestMultipartParser::boundaryFrom()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, boundary);
    QCOMPARE(MultipartParser::boundaryFrom(contentType), boundary);
}

void TestMultipartParser::parsesFieldsAndFiles()
{
    const QByteArray body = fieldPart("title", "Hello") +
                            filePart("filename=\"notes.txt\"", "line 1\nline 2") + closing();
    MultipartParser parser;
    const auto parts = parser.parse(body, kBoundary);
    QVERIFY2(parts, qPrintable(parser.error()));
    QCOMPARE(parts->size(), 2);
    QCOMPARE(parts->at(0).name, QStringLiteral("title"));
    QCOMPARE(parts->at(0).data, QByteArray("Hello"));
    QVERIFY(!parts->at(0).isFile());
    QVERIFY(parts->at(0).contentType.isEmpty());
    QCOMPARE(parts->at(1).name, QStringLiteral("file"));
    QCOMPARE(parts->at(1).fileName, QStringLiteral("notes.txt"));
    QCOMPARE(parts->at(1).contentType, QByteArray("application/octet-stream"));
    QCOMPARE(parts->at(1).data, QByteArray("line 1\nline 2"));
    QVERIFY(parts->at(1).isFile());
    QVERIFY(parser.error().isEmpty());
}

void TestMultipartParser::binaryData_data()
{
    QTest::addColumn<QByteArray>("data");

    const QByteArray dashBoundary = "--" + kBoundary;
    QTest::newRow("CRLFs") << QByteArray("\r\n\r\na\r\n\r\n\r\nb\r\n");
    QTest::newRow("bare boundary line") << QByteArray("x" + dashBoundary + "\r\ny");
    QTest::newRow("bare boundary at start") << QByteArray(dashBoundary + "\r\nrest");
    QTest::newRow("longer boundary line")
        << QByteArray("a\r\n" + dashBoundary + "X\r\nb\r\n" + dashBoundary + "X--\r\n");
    QTest::newRow("boundary then padding then text")
        << QByteArray("a\r\n" + dashBoundary + "  x\r\nb");
    QTest::newRow("boundary without dashes") << QByteArray("a\r\n" + kBoundary + "\r\nb");
    QTest::newRow("NUL bytes") << QByteArray("\0a\0\0b\0", 7);
    QTest::newRow("all byte values") << allByteValues();
    QTest::newRow("all byte values twice, CR last")
        << QByteArray(allByteValues() + allByteValues() + "\r");
    QTest::newRow("ends with CR LF dash") << QByteArray("data\r\n-");
}

void TestMultipartParser::binaryData()
{
    QFETCH(QByteArray, data);
    const QByteArray body =
        filePart("filename=\"blob.bin\"", data) + fieldPart("after", "tail") + closing();
    MultipartParser parser;
    const auto parts = parser.parse(body, kBoundary);
    QVERIFY2(parts, qPrintable(parser.error()));
    QCOMPARE(parts->size(), 2);
    QCOMPARE(parts->at(0).data, data);
    QCOMPARE(parts->at(1).name, QStringLiteral("after"));
    QCOMPARE(parts->at(1).data, QByteArray("tail"));
}

void TestMultipartParser::transportPaddingAfterBoundary()
{
    const QByteArray body = "--" + kBoundary + " \t \r\n" +
                            "Content-Disposition: form-data; name=a\r\n\r\n1\r\n" + "--" +
                            kBoundary + "\t\r\n" +
                            "Content-Disposition: form-data; name=b\r\n\r\n2\r\n" + closing();
    MultipartParser parser;
    const auto parts = parser.parse(body, kBoundary);
    QVERIFY2(parts, qPrintable(parser.error()));
    QCOMPARE(parts->size(), 2);
    QCOMPARE(parts->at(0).data, QByteArray("1"));
    QCOMPARE(parts->at(1).data, QByteArray("2"));
}

void TestMultipartParser::closingBoundaryWithoutCrlf()
{
    const QByteArray body = fieldPart("a", "1") + "--" + kBoundary + "--";
    MultipartParser parser;
    const auto parts = parser.parse(body, kBoundary);
    QVERIFY2(parts, qPrintable(parser.error()));
    QCOMPARE(parts->size(), 1);
    QCOMPARE(parts->at(0).data, QByteArray("1"));
}

void TestMultipartParser::quotedParameters()
{
    const QByteArray body =
        wirePart("Content-Disposition: form-data; name=\"a;b\\\"c\"; filename=\"x;y=z.txt\"", "q") +
        wirePart("Content-Disposition: form-data; name=plain", "p") + closing();
    MultipartParser parser;
    const auto parts = parser.parse(body, kBoundary);
    QVERIFY2(parts, qPrintable(parser.error()));
    QCOMPARE(parts->size(), 2);
    QCOMPARE(parts->at(0).name, QStringLiteral("a;b\"c"));
    QCOMPARE(parts->at(0).fileName, QStringLiteral("x;y=z.txt"));
    QCOMPARE(parts->at(1).name, QStringLiteral("plain"));
    QVERIFY(!parts->at(1).isFile());
}

void TestMultipartParser::headerNamesAreCaseInsensitive()
{
    const QByteArray body = wirePart("content-type: text/plain; charset=utf-8\r\n"
                                     "X-Other: ignored\r\n"
                                     "CONTENT-DISPOSITION: Form-Data; NAME=\"n\"; FileName=f.txt",
                                     "d") +
                            closing();
    MultipartParser parser;
    const auto parts = parser.parse(body, kBoundary);
    QVERIFY2(parts, qPrintable(parser.error()));
    QCOMPARE(parts->size(), 1);
    QCOMPARE(parts->at(0).name, QStringLiteral("n"));
    QCOMPARE(parts->at(0).fileName, QStringLiteral("f.txt"));
    QCOMPARE(parts->at(0).contentType, QByteArray("text/plain; charset=utf-8"));
}

void TestMultipartParser::extendedFileNameWins()
{
    const QByteArray body =
        filePart("filename=\"fallback.txt\"; filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9.pdf",
                 "a") +
        filePart("filename*=utf-8'en'%E2%82%AC%20rates.csv; filename=\"ignored.csv\"", "b") +
        filePart("filename*=ISO-8859-1''caf%E9.txt", "c") +
        filePart("filename=\"plain.txt\"; filename*=KOI8-R''%C1", "d") + closing();
    MultipartParser parser;
    const auto parts = parser.parse(body, kBoundary);
    QVERIFY2(parts, qPrintable(parser.error()));
    QCOMPARE(parts->size(), 4);
    QCOMPARE(parts->at(0).fileName, QString::fromUtf8("naïve résumé.pdf"));
    QCOMPARE(parts->at(1).fileName, QString::fromUtf8("€ rates.csv"));
    QCOMPARE(parts->at(2).fileName, QString::fromUtf8("café.txt"));
    QCOMPARE(parts->at(3).fileName, QStringLiteral("plain.txt")); // unknown charset
}

void TestMultipartParser::fileNameSanitized_data()
{
    QTest::addColumn<QByteArray>("parameters");
    QTest::addColumn<QString>("fileName");

    QTest::newRow("windows path, raw")
        << QByteArray("filename=\"C:\\Users\\x\\a.pdf\"") << QStringLiteral("a.pdf");
    QTest::newRow("windows path, escaped")
        << QByteArray("filename=\"C:\\\\Users\\\\x\\\\a.pdf\"") << QStringLiteral("a.pdf");
    QTest::newRow("traversal") << QByteArray("filename=\"../../etc/passwd\"")
                               << QStringLiteral("passwd");
    QTest::newRow("mixed separators")
        << QByteArray("filename=\"a/b\\\\c/d.txt\"") << QStringLiteral("d.txt");
    QTest::newRow("traversal in filename*")
        << QByteArray("filename*=UTF-8''..%2F..%5Cetc%2Fpasswd") << QStringLiteral("passwd");
    QTest::newRow("control characters") << QByteArray("filename=\"a\x01"
                                                      "b\x7f\tc.txt\"")
                                        << QStringLiteral("abc.txt");
    QTest::newRow("NUL byte") << QByteArray::fromRawData("filename=\"a\0b.txt\"", 18)
                              << QStringLiteral("ab.txt");
    QTest::newRow("encoded NUL and newline")
        << QByteArray("filename*=UTF-8''evil%00%0D%0Aname.txt") << QStringLiteral("evilname.txt");
    QTest::newRow("C1 control") << QByteArray("filename*=UTF-8''a%C2%85b") << QStringLiteral("ab");
    QTest::newRow("dot-dot") << QByteArray("filename=\"..\"") << QStringLiteral("upload");
    QTest::newRow("dot") << QByteArray("filename=\".\"") << QStringLiteral("upload");
    QTest::newRow("trailing slash") << QByteArray("filename=\"dir/\"") << QStringLiteral("upload");
    QTest::newRow("path ending in dot-dot")
        << QByteArray("filename=\"a/b/..\"") << QStringLiteral("upload");
    QTest::newRow("only controls")
        << QByteArray("filename=\"\x01\x02\"") << QStringLiteral("upload");
    QTest::newRow("unquoted") << QByteArray("filename=report.pdf") << QStringLiteral("report.pdf");
    QTest::newRow("utf-8") << QByteArray("filename=\"d\xc3\xa9j\xc3\xa0.txt\"")
                           << QString::fromUtf8("déjà.txt");
}

void TestMultipartParser::fileNameSanitized()
{
    QFETCH(QByteArray, parameters);
    QFETCH(QString, fileName);
    const QByteArray body = filePart(parameters, "x") + closing();
    MultipartParser parser;
    const auto parts = parser.parse(body, kBoundary);
    QVERIFY2(parts, qPrintable(parser.error()));
    QCOMPARE(parts->size(), 1);
    QCOMPARE(parts->at(0).fileName, fileName);
    QVERIFY(parts->at(0).isFile());
}

void TestMultipartParser::emptyFileNameIsNotAFile()
{
    // What a browser sends for a file input with no file chosen.
    const QByteArray body = filePart("filename=\"\"", "") + closing();
    MultipartParser parser;
    const auto parts = parser.parse(body, kBoundary);
    QVERIFY2(parts, qPrintable(parser.error()));
    QCOMPARE(parts->size(), 1);
    QVERIFY(!parts->at(0).isFile());
    QVERIFY(parts->at(0).data.isEmpty());
}

void TestMultipartParser::preambleAndEpilogue()
{
    const QByteArray body = "This is the preamble.\r\n--" + kBoundary + "X is not it\r\n" +
                            fieldPart("a", "1") + "--" + kBoundary +
                            "--\r\nThis is the epilogue.\r\n" + fieldPart("ignored", "2");
    MultipartParser parser;
    const auto parts = parser.parse(body, kBoundary);
    QVERIFY2(parts, qPrintable(parser.error()));
    QCOMPARE(parts->size(), 1);
    QCOMPARE(parts->at(0).name, QStringLiteral("a"));
    QCOMPARE(parts->at(0).data, QByteArray("1"));
}

void TestMultipartParser::emptyData()
{
    const QByteArray body = fieldPart("empty", "") + filePart("filename=\"empty.txt\"", "") +
                            fieldPart("last", "") + closing();
    MultipartParser parser;
    const auto parts = parser.parse(body, kBoundary);
    QVERIFY2(parts, qPrintable(parser.error()));
    QCOMPARE(parts->size(), 3);
    for (const MultipartPart &part : *parts)
        QVERIFY(part.data.isEmpty());
    QCOMPARE(parts->at(1).fileName, QStringLiteral("empty.txt"));
}

void TestMultipartParser::partWithoutHeadersIsRejected()
{
    // An empty header block parses, but a form-data part needs a name.
    const QByteArray body = "--" + kBoundary + "\r\n\r\ndata\r\n" + closing();
    MultipartParser parser;
    QVERIFY(!parser.parse(body, kBoundary));
    QCOMPARE(parser.error(), QStringLiteral("part has no Content-Disposition header"));
}

void TestMultipartParser::noParts()
{
    MultipartParser parser;
    const auto parts = parser.parse(closing(), kBoundary);
    QVERIFY2(parts, qPrintable(parser.error()));
    QVERIFY(parts->isEmpty());

    const auto withPreamble = parser.parse("preamble\r\n" + closing(), kBoundary);
    QVERIFY2(withPreamble, qPrintable(parser.error()));
    QVERIFY(withPreamble->isEmpty());
}

void TestMultipartParser::errors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("error");

    const QString truncated = QStringLiteral("multipart body is truncated (no closing boundary)");
    const QString noStart = QStringLiteral("multipart body does not start with the boundary");
    const QByteArray dashBoundary = "--" + kBoundary;

    QTest::newRow("empty body") << QByteArray() << noStart;
    QTest::newRow("no boundary") << QByteArray("just some text\r\n") << noStart;
    QTest::newRow("wrong boundary") << QByteArray("--other\r\n\r\n--other--\r\n") << noStart;
    QTest::newRow("longer boundary only") << QByteArray(dashBoundary + "X\r\n") << noStart;
    QTest::newRow("boundary not after CRLF") << QByteArray("x" + dashBoundary + "\r\n") << noStart;
    QTest::newRow("missing closing boundary") << fieldPart("a", "1") << truncated;
    QTest::newRow("cut in data") << QByteArray(fieldPart("a", "123").chopped(3)) << truncated;
    QTest::newRow("cut after boundary")
        << QByteArray(fieldPart("a", "1") + dashBoundary) << truncated;
    QTest::newRow("cut in headers")
        << QByteArray(dashBoundary + "\r\nContent-Disposition: form-data; name=a\r\n") << truncated;
    QTest::newRow("only longer closing boundary")
        << QByteArray(fieldPart("a", "1") + dashBoundary + "X--\r\n") << truncated;
    QTest::newRow("missing name")
        << QByteArray(wirePart("Content-Disposition: form-data; filename=\"a.txt\"", "x") +
                      closing())
        << QStringLiteral("part has no name");
    QTest::newRow("empty name")
        << QByteArray(wirePart("Content-Disposition: form-data; name=\"\"", "x") + closing())
        << QStringLiteral("part has no name");
    QTest::newRow("name only as prefix")
        << QByteArray(wirePart("Content-Disposition: form-data; filename=a", "x") + closing())
        << QStringLiteral("part has no name");
    QTest::newRow("no Content-Disposition")
        << QByteArray(wirePart("Content-Type: text/plain", "x") + closing())
        << QStringLiteral("part has no Content-Disposition header");
    QTest::newRow("not form-data")
        << QByteArray(wirePart("Content-Disposition: attachment; name=a", "x") + closing())
        << QStringLiteral("part Content-Disposition is not form-data");
}

void TestMultipartParser::errors()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, error);
    MultipartParser parser;
    QVERIFY(!parser.parse(body, kBoundary));
    QCOMPARE(parser.error(), error);
}

void TestMultipartParser::oversizedHeaders()
{
    const QByteArray disposition = "Content-Disposition: form-data; name=a";
    const auto headersOfSize = [&](int blockSize) -> QByteArray {
        // The block counts its terminating CRLFCRLF.
        const int padding = blockSize - int(disposition.size()) - 4 - int(qstrlen("\r\nX: "));
        return disposition + "\r\nX: " + QByteArray(padding, 'p');
    };
    MultipartParser parser;

    const QByteArray fits = wirePart(headersOfSize(MultipartParser::kMaxHeaderBytes), "ok");
    const auto parts = parser.parse(fits + closing(), kBoundary);
    QVERIFY2(parts, qPrintable(parser.error()));
    QCOMPARE(parts->size(), 1);
    QCOMPARE(parts->at(0).data, QByteArray("ok"));

    const QByteArray tooLarge = wirePart(headersOfSize(MultipartParser::kMaxHeaderBytes + 1), "x");
    QVERIFY(!parser.parse(tooLarge + closing(), kBoundary));
    QCOMPARE(parser.error(), QStringLiteral("part headers too large"));

    // Headers that never end, in a large body, are reported as too large
    // rather than scanned to the end.
    const QByteArray endless = "--" + kBoundary + "\r\nContent-Disposition: form-data; name=a\r\n" +
                               QByteArray(1024 * 1024, 'h');
    QVERIFY(!parser.parse(endless, kBoundary));
    QCOMPARE(parser.error(), QStringLiteral("part headers too large"));
}

void TestMultipartParser::tooManyParts()
{
    QByteArray body;
    for (int i = 0; i < MultipartParser::kMaxParts; ++i)
        body += fieldPart("f" + QByteArray::number(i), QByteArray::number(i));
    MultipartParser parser;
    const auto parts = parser.parse(body + closing(), kBoundary);
    QVERIFY2(parts, qPrintable(parser.error()));
    QCOMPARE(parts->size(), MultipartParser::kMaxParts);
    QCOMPARE(parts->last().data, QByteArray::number(MultipartParser::kMaxParts - 1));

    body += fieldPart("one-too-many", "x");
    QVERIFY(!parser.parse(body + closing(), kBoundary));
    QCOMPARE(parser.error(), QStringLiteral("multipart body has more than 100 parts"));
}

void TestMultipartParser::errorClearedAfterSuccess()
{
    MultipartParser parser;
    QVERIFY(!parser.parse("garbage", kBoundary));
    QVERIFY(!parser.error().isEmpty());
    QVERIFY(parser.parse(fieldPart("a", "1") + closing(), kBoundary));
    QVERIFY(parser.error().isEmpty());
}

void TestMultipartParser::largeFilePart()
{
    // 20 MB of varied bytes, with CRLFs and boundary-like lines mixed in.
    constexpr int kSize = 20 * 1024 * 1024;
    QByteArray data(kSize, Qt::Uninitialized);
    quint32 state = 12345;
    for (int i = 0; i < kSize; ++i) {
        state = state * 1664525u + 1013904223u; // LCG: reproducible, fast
        data[i] = char(state >> 24);
    }
    const QByteArray lookalike = "\r\n--" + kBoundary + "X\r\n";
    for (int at = 1000; at + lookalike.size() < kSize; at += 1024 * 1024)
        data.replace(at, lookalike.size(), lookalike);

    const QByteArray body =
        fieldPart("before", "b") + filePart("filename=\"big.bin\"", data) + closing();
    MultipartParser parser;
    const auto parts = parser.parse(body, kBoundary);
    QVERIFY2(parts, qPrintable(parser.error()));
    QCOMPARE(parts->size(), 2);
    QCOMPARE(parts->at(1).fileName, QStringLiteral("big.bin"));
    QCOMPARE(parts->at(1).data.size(), data.size());
    QVERIFY(parts->at(1).data == data);
}

QTEST_GUILESS_MAIN(TestMultipartParser)
#include "tst_multipartparser.moc"
