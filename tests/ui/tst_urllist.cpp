// The URL box's parsing: one URL a line, blank lines ignored, every invalid
// line reported with its number.
#include "ui/urllist.h"

#include <QTest>

using namespace aether;

class TestUrlList : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validAndInvalidLines()
    {
        const UrlList list = UrlList::parse(QStringLiteral(
            "https://example.com/a\n\n  http://example.org/b?x=1  \nnot a url\nftp://host/file\n"
            "https://\nhttps://example.com/a\nexample.com"));
        QCOMPARE(list.valid.size(), 2); // the repeated line counts once
        QCOMPARE(list.valid.at(0), QUrl(QStringLiteral("https://example.com/a")));
        QCOMPARE(list.valid.at(1), QUrl(QStringLiteral("http://example.org/b?x=1")));
        QCOMPARE(list.invalidLines,
                 QStringList({QStringLiteral("not a url"), QStringLiteral("ftp://host/file"),
                              QStringLiteral("https://"), QStringLiteral("example.com")}));
        QCOMPARE(list.problems.size(), 4);
        QVERIFY(list.problems.at(0).startsWith(QStringLiteral("line 4:")));
        QVERIFY(list.problems.at(3).startsWith(QStringLiteral("line 8:")));
    }

    void emptyText()
    {
        const UrlList list = UrlList::parse(QStringLiteral("\n \n"));
        QVERIFY(list.valid.isEmpty());
        QVERIFY(list.problems.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestUrlList)
#include "tst_urllist.moc"
