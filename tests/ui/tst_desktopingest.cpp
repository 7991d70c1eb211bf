// Adding content through the real window over a real service (in-process,
// offscreen): files and a folder dropped on the drop zone, URLs typed in the
// URL box; the jobs reach `finished` in the job table. Job events reach the
// window through the API's event stream, resumed after a break.
#include "desktopfixture.h"
#include "fixturehttpserver.h"
#include "httpclient.h"
#include "jobpoller.h"
#include "ui/addcontentpanel.h"
#include "ui/documentspanel.h"
#include "ui/dropzone.h"
#include "ui/eventstream.h"
#include "ui/jobtablemodel.h"
#include "ui/mainwindow.h"
#include "ui/pastetextdialog.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>
#include <QTextCursor>
#include <QTimer>
#include <QTreeWidget>

using namespace aether;
using namespace aether::test;

namespace {

constexpr int kJobTimeoutMs = 30000;

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

int countWithStatus(const JobTableModel &jobs, const QString &status)
{
    int count = 0;
    for (int row = 0; row < jobs.rowCount(); ++row)
        count += jobs.record(row).status == status ? 1 : 0;
    return count;
}

// The statuses the spied eventsArrived batches carried for one job, in order.
QStringList statusesOf(const QSignalSpy &spy, const QString &id)
{
    QStringList statuses;
    for (const QList<QVariant> &arguments : spy) {
        for (const QJsonValue &event : arguments.at(0).toJsonArray()) {
            if (event.toObject().value(QStringLiteral("job_id")).toString() == id)
                statuses.append(event.toObject().value(QStringLiteral("status")).toString());
        }
    }
    return statuses;
}

} // namespace

class TestDesktopIngest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_desktop.start(), qPrintable(m_desktop.errorText())); }

    void dropFilesAndFolder()
    {
        const QString root = m_desktop.tempPath(QStringLiteral("drop"));
        writeFile(root + QStringLiteral("/notes.txt"), "Dropped notes about aurora borealis.");
        writeFile(root + QStringLiteral("/folder/readme.md"),
                  "# Readme\n\nMarkdown about glaciers.");
        writeFile(root + QStringLiteral("/folder/deep/page.html"),
                  "<html><head><title>Deep</title></head><body><p>Volcanoes and lava "
                  "flows.</p></body></html>");
        QByteArray binary(4096, '\0');
        for (int i = 0; i < binary.size(); ++i)
            binary[i] = char((i * 7919) % 251);
        writeFile(root + QStringLiteral("/folder/deep/blob.bin"), binary);

        AddContentPanel *panel = m_desktop.window()->addPanel();
        DropZone *zone = panel->dropZone();
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(root + QStringLiteral("/notes.txt")),
                      QUrl::fromLocalFile(root + QStringLiteral("/folder"))});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton,
                              Qt::NoModifier);
        QCoreApplication::sendEvent(zone, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(zone, &drop);
        QVERIFY(drop.isAccepted());

        // The count is shown before anything is queued.
        QTRY_COMPARE_WITH_TIMEOUT(panel->pendingFileCount(), 3, 10000);
        QVERIFY2(panel->pendingLabel()->text().contains(QStringLiteral("3 files")),
                 qPrintable(panel->pendingLabel()->text()));
        QVERIFY(panel->pendingLabel()->text().contains(QStringLiteral("blob.bin")));
        JobTableModel *jobs = m_desktop.window()->jobs();
        const int before = jobs->rowCount();
        panel->queuePendingFiles();
        QVERIFY(panel->messageLabel()->text().contains(
            QStringLiteral("Skipped 1 unsupported file: blob.bin")));

        QTRY_COMPARE_WITH_TIMEOUT(jobs->rowCount(), before + 3, kJobTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(countWithStatus(*jobs, QStringLiteral("finished")), before + 3,
                                  kJobTimeoutMs);
        for (const char *name : {"notes.txt", "readme.md", "page.html"}) {
            bool found = false;
            for (int row = 0; row < jobs->rowCount(); ++row)
                found |= jobs->record(row).name == QLatin1String(name) &&
                         jobs->record(row).type == QLatin1String("file");
            QVERIFY2(found, name);
        }
        // Chunk counts arrive from the job details after the finished events.
        QTRY_VERIFY_WITH_TIMEOUT(jobs->record(jobs->rowCount() - 1).chunks >= 1, 10000);
        // The batch notice names its outcome.
        QTRY_VERIFY_WITH_TIMEOUT(
            m_desktop.window()->lastNotification().contains(QStringLiteral("3 finished")), 10000);
    }

    void urlBoxWithSeveralLines()
    {
        FixtureHttpServer site;
        FixtureResponse page;
        page.headers = {{"Content-Type", "text/html; charset=utf-8"}};
        page.body = "<html><head><title>Fixture</title></head><body><p>Hedgehogs hibernate in "
                    "winter.</p></body></html>";
        site.setResponse("/one", page);
        site.setResponse("/two", page);

        AddContentPanel *panel = m_desktop.window()->addPanel();
        const QString text = QString::fromLatin1(site.url("/one")) +
                             QStringLiteral("\nnot a url\n\nftp://example.com/file\n") +
                             QString::fromLatin1(site.url("/two"));
        panel->urlBox()->setPlainText(text);
        JobTableModel *jobs = m_desktop.window()->jobs();
        const int finishedBefore = countWithStatus(*jobs, QStringLiteral("finished"));
        panel->queueUrls();

        const QString message = panel->messageLabel()->text();
        QVERIFY2(message.contains(QStringLiteral("line 2: 'not a url'")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("line 4: 'ftp://example.com/file'")),
                 qPrintable(message));
        QCOMPARE(panel->urlBox()->toPlainText(),
                 QStringLiteral("not a url\nftp://example.com/file"));
        QTRY_COMPARE_WITH_TIMEOUT(countWithStatus(*jobs, QStringLiteral("finished")),
                                  finishedBefore + 2, kJobTimeoutMs);
        QCOMPARE(site.requestCount("/one"), 1);
        QCOMPARE(site.requestCount("/two"), 1);
        const int row = jobs->rowOf(jobs->record(jobs->rowCount() - 1).id);
        QCOMPARE(jobs->record(row).type, QStringLiteral("url"));
    }

    // Jobs the window did not submit are named too: the API keeps the name.
    void jobsEnqueuedThroughTheApiHaveNames()
    {
        FixtureHttpServer site;
        FixtureResponse page;
        page.headers = {{"Content-Type", "text/html"}};
        page.body = "<html><body><p>Named from elsewhere.</p></body></html>";
        site.setResponse("/named", page);
        HttpClient client(m_desktop.baseUrl());
        const auto idOf = [](const HttpResult &answer) {
            return answer.json().value(QStringLiteral("job_id")).toString();
        };
        const QString text = idOf(client.postJson(
            QStringLiteral("/knowledge/ingest-text-async"),
            {{QStringLiteral("text"), QStringLiteral("Badgers dig long tunnels called setts under "
                                                     "old woodland, and share them for decades.")}},
            kEditor));
        const QString url = QString::fromLatin1(site.url("/named"));
        const QString page1 = idOf(client.postJson(QStringLiteral("/knowledge/ingest-url-async"),
                                                   {{QStringLiteral("url"), url}}, kEditor));
        const QByteArray boundary = "name-boundary";
        const QString file = idOf(client.post(
            QStringLiteral("/knowledge/ingest-file-async"),
            HttpClient::multipart(boundary, "field notes.md", "# Field notes\n\nHerons wait."),
            {{"x-api-key", "test-key"},
             {"x-role", "editor"},
             {"Content-Type", "multipart/form-data; boundary=" + boundary}}));
        QVERIFY(!text.isEmpty() && !page1.isEmpty() && !file.isEmpty());

        // A text that begins like the call descriptions of jobs older than names.
        const QString lookalikeName = QStringLiteral("aether_ingest.notes(draft) kept as written");
        const QString lookalike =
            idOf(client.postJson(QStringLiteral("/knowledge/ingest-text-async"),
                                 {{QStringLiteral("text"), lookalikeName}}, kEditor));
        const QString textName =
            QStringLiteral("Badgers dig long tunnels called setts under old …");
        const QList<QPair<QString, QString>> expected{{text, textName},
                                                      {page1, url},
                                                      {file, QStringLiteral("field notes.md")},
                                                      {lookalike, lookalikeName}};
        JobTableModel *jobs = m_desktop.window()->jobs();
        for (const auto &[id, name] : expected) {
            QTRY_VERIFY_WITH_TIMEOUT(jobs->find(id), kJobTimeoutMs);
            QTRY_COMPARE_WITH_TIMEOUT(jobs->find(id)->name, name, kJobTimeoutMs);
            const QJsonObject job = client.get(QStringLiteral("/ops/jobs/") + id, kAdmin).json();
            QCOMPARE(job.value(QStringLiteral("name")).toString(), name);
            // Ended jobs say how long they ran, to the millisecond.
            QTRY_VERIFY_WITH_TIMEOUT(client.get(QStringLiteral("/ops/jobs/") + id, kAdmin)
                                         .json()
                                         .value(QStringLiteral("duration_ms"))
                                         .isDouble(),
                                     kJobTimeoutMs);
        }
    }

    void jobEventsArriveThroughTheEventStream()
    {
        EventStream *events = m_desktop.window()->events();
        QSignalSpy arrived(events, &EventStream::eventsArrived);
        HttpClient client(m_desktop.baseUrl());
        const auto enqueue = [&client](const QString &text) {
            return client
                .postJson(QStringLiteral("/knowledge/ingest-text-async"),
                          {{QStringLiteral("text"), text}}, kEditor)
                .json()
                .value(QStringLiteral("job_id"))
                .toString();
        };
        const QString live = enqueue(QStringLiteral("Otters hold hands while they sleep."));
        QTRY_VERIFY_WITH_TIMEOUT(statusesOf(arrived, live).contains(QStringLiteral("finished")),
                                 kJobTimeoutMs);
        QCOMPARE(statusesOf(arrived, live).first(), QStringLiteral("queued"));

        // Closed meanwhile: reopened from the last event seen, nothing missed.
        events->stop();
        const QString missed = enqueue(QStringLiteral("Octopuses taste with their arms."));
        QVERIFY(!missed.isEmpty());
        QTest::qWait(300);
        QVERIFY(statusesOf(arrived, missed).isEmpty());
        events->start();
        QTRY_VERIFY_WITH_TIMEOUT(statusesOf(arrived, missed).contains(QStringLiteral("finished")),
                                 kJobTimeoutMs);
        QCOMPARE(statusesOf(arrived, missed).first(), QStringLiteral("queued"));
    }

    // The Documents tab lists every document, a page at a time as it is scrolled.
    void theDocumentsTabReachesEveryDocument()
    {
        HttpClient client(m_desktop.baseUrl());
        const qint64 before = client.get(QStringLiteral("/knowledge/documents?limit=1"), kEditor)
                                  .json()
                                  .value(QStringLiteral("total"))
                                  .toInteger();
        constexpr int kDocuments = 4000;
        QJsonArray items;
        for (int i = 0; i < kDocuments; ++i)
            items.append(QJsonObject{
                {QStringLiteral("text"), QStringLiteral("Catalogue entry %1: a lantern, a rope and "
                                                        "a compass, item %1.")
                                             .arg(i)}});
        const HttpResult batch =
            client.postJson(QStringLiteral("/knowledge/ingest-batch-async"),
                            {{QStringLiteral("items"), items},
                             {QStringLiteral("source"), QStringLiteral("catalogue")}},
                            kEditor);
        QCOMPARE(batch.status, 200);
        const qint64 expected = before + kDocuments;
        QTRY_COMPARE_WITH_TIMEOUT(
            client.get(QStringLiteral("/knowledge/documents?limit=1"), kEditor)
                .json()
                .value(QStringLiteral("total"))
                .toInteger(),
            expected, 120000);

        MainWindow *window = m_desktop.window();
        DocumentsPanel *panel = window->documentsPanel();
        window->tabs()->setCurrentWidget(panel);
        panel->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(panel->totalCount(), expected, 10000);
        QTest::qWait(200);
        QVERIFY2(panel->loadedCount() < expected, // a page at a time, not all at once
                 qPrintable(QString::number(panel->loadedCount())));
        QScrollBar *bar = panel->documents()->verticalScrollBar();
        QElapsedTimer scrolling;
        scrolling.start();
        while (panel->loadedCount() < expected && scrolling.elapsed() < 60000) {
            bar->setValue(bar->maximum()); // what the user's scrolling does
            QTest::qWait(20);
        }
        QCOMPARE(panel->loadedCount(), int(expected));
        QVERIFY2(panel->status()->text().startsWith(QStringLiteral("%1 documents").arg(expected)),
                 qPrintable(panel->status()->text()));
        QVERIFY(!panel->status()->text().contains(QLatin1String("more as you scroll")));
        // The filter narrows what is listed.
        panel->filter()->setText(QStringLiteral("catalogue"));
        int shown = 0;
        for (int row = 0; row < panel->loadedCount(); ++row)
            shown += panel->documents()->topLevelItem(row)->isHidden() ? 0 : 1;
        QCOMPARE(shown, kDocuments);
        panel->filter()->clear();
    }

    // Paste text has a title: the job and the document are named by it.
    void pasteTextWithATitleNamesTheJob()
    {
        AddContentPanel *panel = m_desktop.window()->addPanel();
        const QString title = QStringLiteral("Knots every sailor ties");
        QTimer::singleShot(0, panel, [panel, title] {
            auto *dialog = panel->findChild<PasteTextDialog *>();
            QVERIFY(dialog);
            dialog->findChild<QPlainTextEdit *>()->setPlainText(
                QStringLiteral("The bowline makes a loop that will not slip."));
            dialog->findChild<QLineEdit *>(QStringLiteral("pasteTitle"))->setText(title);
            dialog->accept();
        });
        panel->pasteText();
        JobTableModel *jobs = m_desktop.window()->jobs();
        const auto named = [jobs, &title] {
            for (int row = 0; row < jobs->rowCount(); ++row) {
                if (jobs->record(row).name == title)
                    return jobs->record(row).status;
            }
            return QString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(named(), QStringLiteral("finished"), 30000);
    }

    // Last: it stops Redis for a while. What the service refuses is kept: a
    // URL goes back at the end of the box with the reason (what the user typed
    // meanwhile, blank lines and cursor included, untouched), every refused
    // text is offered again by "Paste text" one by one and leaves the list
    // once its dialog is accepted (even edited), refused files stay in the
    // confirmation bar with the reason until "Queue" sends them.
    void refusedInputIsKeptToBeSentAgain()
    {
        AddContentPanel *panel = m_desktop.window()->addPanel();
        QPlainTextEdit *box = panel->urlBox();
        const QString url = QStringLiteral("http://127.0.0.1:9/kept-while-redis-is-down");
        QVERIFY(m_desktop.redis().isRunning());
        m_desktop.redis().stop();
        box->setPlainText(url);
        panel->queueUrls();
        // The user goes on typing before the refusal arrives.
        const QString draft = QStringLiteral("http://127.0.0.1:9/draft-a\n\nhttp://127.0.0.1:9/b");
        box->setPlainText(draft);
        QTextCursor cursor = box->textCursor();
        cursor.setPosition(5);
        box->setTextCursor(cursor);
        QTRY_VERIFY_WITH_TIMEOUT(box->toPlainText().endsWith(url), 15000);
        QCOMPARE(box->toPlainText(), draft + QLatin1Char('\n') + url);
        QCOMPARE(box->textCursor().position(), 5);
        QVERIFY2(panel->messageLabel()->text().contains(QLatin1String("queue unavailable")),
                 qPrintable(panel->messageLabel()->text()));

        const QString first = QStringLiteral("A note written while Redis was away.");
        const QString second = QStringLiteral("A second note, refused as well.");
        panel->queueText(first);
        panel->queueText(second);
        // Both kept, in the order their refusals came (the two requests race).
        const auto sorted = [](QStringList texts) {
            texts.sort();
            return texts;
        };
        QTRY_COMPARE_WITH_TIMEOUT(sorted(panel->unsentTexts()), sorted({first, second}), 15000);
        const QString offeredFirst = panel->unsentTexts().at(0);
        const QString offeredSecond = panel->unsentTexts().at(1);

        const QString file = m_desktop.tempPath(QStringLiteral("unsent/ferry.txt"));
        writeFile(file, "The ferry leaves at noon.");
        QSignalSpy ready(panel, &AddContentPanel::pendingFilesReady);
        panel->collectPaths({file});
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, 10000);
        panel->queuePendingFiles();
        QTRY_COMPARE_WITH_TIMEOUT(panel->unsentFiles(), QStringList{file}, 15000);
        QCOMPARE(panel->pendingFileCount(), 1);
        QVERIFY2(panel->pendingLabel()->text().contains(QLatin1String("not sent")),
                 qPrintable(panel->pendingLabel()->text()));

        QVERIFY(m_desktop.redis().restart());
        HttpClient client(m_desktop.baseUrl());
        QTRY_COMPARE_WITH_TIMEOUT(client.get(QStringLiteral("/ops/queue"), kAdmin).status, 200,
                                  15000);
        panel->queueUrls();
        QTRY_VERIFY_WITH_TIMEOUT(box->toPlainText().isEmpty(), 5000);

        // "Paste text" offers the first refused text; edited and queued, it is gone.
        QString offered;
        const auto editAndAccept = [panel, &offered](const QString &edit) {
            QTimer::singleShot(0, panel, [panel, &offered, edit] {
                auto *dialog = panel->findChild<PasteTextDialog *>();
                QVERIFY(dialog);
                auto *text = dialog->findChild<QPlainTextEdit *>();
                offered = text->toPlainText();
                if (!edit.isEmpty())
                    text->setPlainText(edit);
                dialog->accept();
            });
            panel->pasteText();
        };
        editAndAccept(offeredFirst + QStringLiteral(" Edited."));
        QCOMPARE(offered, offeredFirst);
        QCOMPARE(panel->unsentTexts(), QStringList{offeredSecond});
        editAndAccept(QString());
        QCOMPARE(offered, offeredSecond);
        QTRY_VERIFY_WITH_TIMEOUT(panel->unsentTexts().isEmpty(), 15000);

        JobTableModel *jobs = m_desktop.window()->jobs();
        const auto ferryJobs = [jobs] {
            int count = 0;
            for (int row = 0; row < jobs->rowCount(); ++row)
                count += jobs->record(row).name == QLatin1String("ferry.txt") ? 1 : 0;
            return count;
        };
        QCOMPARE(ferryJobs(), 0);
        panel->queuePendingFiles(); // "Queue" tries the refused file again
        QTRY_COMPARE_WITH_TIMEOUT(ferryJobs(), 1, 15000);
        QVERIFY(panel->unsentFiles().isEmpty());
    }

private:
    DesktopFixture m_desktop;
};

QTEST_MAIN(TestDesktopIngest)
#include "tst_desktopingest.moc"
