// The Search tab shows why a result matched: the API's snippet around the
// query's words (even when they come at the end of a long passage) with the
// words marked, relevance as a bar, and the whole passage of the selected
// result below.
#include "desktopfixture.h"
#include "httpclient.h"
#include "jobpoller.h"
#include "ui/mainwindow.h"
#include "ui/passagedelegate.h"
#include "ui/searchpanel.h"

#include <QComboBox>
#include <QJsonArray>
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
    // Marks are escaped text: a passage holding markup shows it as written.
    void highlightsAreMarkedAndMarkupIsEscaped()
    {
        const QString html = PassageDelegate::highlighted(
            QStringLiteral("<b>x</b> moraines & tills"), QJsonArray{QJsonArray{9, 17}}, QPalette());
        QVERIFY2(html.startsWith(QStringLiteral("&lt;b&gt;x&lt;/b&gt; <span")), qPrintable(html));
        QVERIFY(html.contains(QStringLiteral("font-weight:bold\">moraines</span> &amp; tills")));
        // Spans out of the text or out of order are skipped, never read past the end.
        const QString odd = PassageDelegate::highlighted(
            QStringLiteral("short"), QJsonArray{QJsonArray{3, 99}, QJsonArray{2, 1}}, QPalette());
        QCOMPARE(odd, QStringLiteral("short"));
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
        QVERIFY2(shown.startsWith(QChar(0x2026)), qPrintable(shown));
        QVERIFY(shown.size() <= 300);
        // The server's marks: "Drumlins" in the snippet, stemmed as the query's "drumlins".
        const QJsonArray marks =
            top->data(SearchPanel::kPassageColumn, PassageDelegate::kSpansRole).toJsonArray();
        QCOMPARE(marks.size(), 1);
        QCOMPARE(
            shown.mid(marks.at(0).toArray().at(0).toInt(),
                      marks.at(0).toArray().at(1).toInt() - marks.at(0).toArray().at(0).toInt()),
            QStringLiteral("Drumlins"));
        // Every word of the query: relevance 1, a full bar.
        QCOMPARE(top->text(0), QString(5, QChar(0x25A0)));
        QCOMPARE(top->toolTip(0), QStringLiteral("relevance 100%"));
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
        QVERIFY(search->passageView()->toHtml().contains(QStringLiteral("Drumlins</span>")));

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
