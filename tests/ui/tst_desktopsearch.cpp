// The Search tab shows why a result matched: a snippet around the query's
// terms (even when they come at the end of a long passage), relevance as a
// bar, and the whole passage of the selected result below.
#include "desktopfixture.h"
#include "httpclient.h"
#include "jobpoller.h"
#include "ui/mainwindow.h"
#include "ui/searchpanel.h"
#include "ui/searchsnippet.h"

#include <QComboBox>
#include <QLineEdit>
#include <QTest>
#include <QTextBrowser>
#include <QTreeWidget>

using namespace aether;
using namespace aether::test;

namespace {

// About 900 characters of filler, then the one sentence a search should find.
QString longPassageEndingWith(const QString &ending)
{
    QString text;
    for (int i = 0; text.size() < 900; ++i)
        text += QStringLiteral("Sentence %1 says nothing in particular about the weather. ").arg(i);
    return text + ending;
}

} // namespace

class TestDesktopSearch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aSnippetCentresOnTheMatch()
    {
        const QString passage =
            longPassageEndingWith(QStringLiteral("Moraines are heaps of glacial debris."));
        const Snippet snippet = makeSnippet(passage, {QStringLiteral("moraine")});
        QVERIFY(snippet.text.size() <= 300);
        QVERIFY2(snippet.text.startsWith(QStringLiteral("… ")), qPrintable(snippet.text));
        QVERIFY2(snippet.text.contains(QStringLiteral("Moraines are heaps")),
                 qPrintable(snippet.text));
        QCOMPARE(snippet.matches.size(), 1);
        QCOMPARE(snippet.text.mid(snippet.matches[0].start, snippet.matches[0].length),
                 QStringLiteral("Moraines"));

        // Line breaks stay; a passage without a match shows its start, cut with "…".
        const Snippet lines =
            makeSnippet(QStringLiteral("one\ntwo moraine\nthree"), {QStringLiteral("moraine")});
        QCOMPARE(lines.text, QStringLiteral("one\ntwo moraine\nthree"));
        const Snippet none = makeSnippet(passage, {QStringLiteral("absent")});
        QVERIFY(none.text.startsWith(QStringLiteral("Sentence 0")));
        QVERIFY(none.text.endsWith(QStringLiteral(" …")));
        QVERIFY(none.text.size() <= 300);
    }

    void aMatchAtTheEndOfALongChunkIsShown()
    {
        DesktopFixture desktop;
        QVERIFY2(desktop.start(), qPrintable(desktop.errorText()));
        HttpClient client(desktop.baseUrl());
        const QString text = longPassageEndingWith(
            QStringLiteral("Drumlins are teardrop hills shaped by moving ice."));
        const QString id = client
                               .postJson(QStringLiteral("/knowledge/ingest-text-async"),
                                         {{QStringLiteral("text"), text}}, kEditor)
                               .json()
                               .value(QStringLiteral("job_id"))
                               .toString();
        QCOMPARE(waitForJob(client, id).value(QStringLiteral("status")).toString(),
                 QStringLiteral("finished"));
        // A passage that shares no word with "drumlins", only letters (the hash
        // embedder's character trigrams): found by meaning only.
        const QString bread =
            client
                .postJson(QStringLiteral("/knowledge/ingest-text-async"),
                          {{QStringLiteral("text"),
                            QStringLiteral("Sourdough drummers drum in long lines.")}},
                          kEditor)
                .json()
                .value(QStringLiteral("job_id"))
                .toString();
        QCOMPARE(waitForJob(client, bread).value(QStringLiteral("status")).toString(),
                 QStringLiteral("finished"));

        SearchPanel *search = desktop.window()->searchPanel();
        // Before the first search, the tab says how to use it.
        QVERIFY(search->passageView()->toPlainText().contains(QLatin1String("press Enter")));
        search->queryField()->setText(QStringLiteral("drumlins"));
        search->search();
        QTRY_VERIFY_WITH_TIMEOUT(search->results()->topLevelItemCount() > 0, 10000);
        QTreeWidgetItem *top = search->results()->topLevelItem(0);
        const QString shown = top->text(SearchPanel::kPassageColumn);
        QVERIFY2(shown.contains(QStringLiteral("Drumlins are teardrop hills")), qPrintable(shown));
        QVERIFY2(shown.startsWith(QStringLiteral("… ")), qPrintable(shown));
        QVERIFY(shown.size() <= 300);
        QCOMPARE(top->text(0), QString(5, QChar(0x25A0))); // the best result: a full bar
        QVERIFY(top->text(SearchPanel::kFoundByColumn).startsWith(QLatin1String("words")));
        bool breadLabelled = false;
        for (int row = 0; row < search->results()->topLevelItemCount(); ++row) {
            QTreeWidgetItem *item = search->results()->topLevelItem(row);
            if (item->text(SearchPanel::kPassageColumn).contains(QLatin1String("Sourdough")))
                breadLabelled = item->text(SearchPanel::kFoundByColumn) == QLatin1String("meaning");
        }
        QVERIFY(breadLabelled);
        QVERIFY(search->passageView()->toPlainText().contains(QStringLiteral("Sentence 0")));
        QVERIFY(search->passageView()->toPlainText().contains(QStringLiteral("Drumlins")));

        // A search that finds nothing says so, and what to try.
        search->mode()->setCurrentIndex(search->mode()->findData(QStringLiteral("keyword")));
        search->queryField()->setText(QStringLiteral("zyzzyva"));
        search->search();
        QTRY_VERIFY_WITH_TIMEOUT(
            search->passageView()->toPlainText().contains(QLatin1String("Nothing matched zyzzyva")),
            10000);
        QCOMPARE(search->results()->topLevelItemCount(), 0);
    }
};

QTEST_MAIN(TestDesktopSearch)
#include "tst_desktopsearch.moc"
