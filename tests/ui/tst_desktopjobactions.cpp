// Retry, cancel and delete from the job table act on the real queue: a failed
// URL job retried runs again and finishes; a job queued while the workers are
// paused is canceled; a deleted job leaves the table (after asking). The
// actions follow the selected jobs' states; the queue pauses and resumes from
// the window; "Clear finished" deletes every finished job. The context menu
// opens a job's source and shows its document; Started never counts more jobs
// than the workers run; a scheduled job counts down to its retry; bulk actions
// report progress and one summary, and act only on the jobs they apply to.
#include "desktopfixture.h"
#include "fixturehttpserver.h"
#include "httpclient.h"
#include "jobpoller.h"
#include "ui/addcontentpanel.h"
#include "ui/documentpreview.h"
#include "ui/documentspanel.h"
#include "ui/jobfilterproxy.h"
#include "ui/jobspanel.h"
#include "ui/jobtablemodel.h"
#include "ui/mainwindow.h"

#include <QAction>
#include <QClipboard>
#include <QFile>
#include <QGuiApplication>
#include <QJsonArray>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <algorithm>

using namespace aether;
using namespace aether::test;

namespace {

constexpr int kJobTimeoutMs = 30000;

QString statusOf(const JobTableModel &jobs, const QString &id)
{
    const JobRecord *job = jobs.find(id);
    return job ? job->status : QString();
}

QStringList messagesOf(const QSignalSpy &spy)
{
    QStringList texts;
    for (const QList<QVariant> &signal : spy)
        texts.append(signal.first().toString());
    return texts;
}

} // namespace

class TestDesktopJobActions : public QObject
{
    Q_OBJECT

private:
    // The id of the newest job the window submitted with this name.
    QString waitForJobNamed(const QString &name)
    {
        JobTableModel *jobs = m_desktop.window()->jobs();
        QString id;
        const bool found = QTest::qWaitFor(
            [&] {
                for (int row = 0; row < jobs->rowCount(); ++row) {
                    if (jobs->record(row).name == name)
                        id = jobs->record(row).id;
                }
                return !id.isEmpty();
            },
            kJobTimeoutMs);
        return found ? id : QString();
    }

    void setQueuePaused(bool paused)
    {
        const HttpClient client(m_desktop.baseUrl());
        client.post(paused ? QStringLiteral("/ops/queue/pause")
                           : QStringLiteral("/ops/queue/resume"),
                    {}, kAdmin);
        m_desktop.window()->jobsPanel()->setQueuePaused(paused);
    }

    void selectJobs(const QStringList &ids)
    {
        JobsPanel *table = m_desktop.window()->jobsPanel();
        QItemSelection selection;
        for (const QString &id : ids) {
            const int row = m_desktop.window()->jobs()->rowOf(id);
            const QModelIndex index =
                table->proxy()->mapFromSource(m_desktop.window()->jobs()->index(row, 0));
            selection.select(index, index);
        }
        table->table()->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect |
                                                                QItemSelectionModel::Rows);
    }

    QStringList queueTexts(const QString &prefix, int count)
    {
        const HttpClient client(m_desktop.baseUrl());
        QJsonArray items;
        for (int i = 0; i < count; ++i)
            items.append(QJsonObject{
                {QStringLiteral("text"), QStringLiteral("%1 %2 about tides.").arg(prefix).arg(i)}});
        const HttpResult created = client.postJson(QStringLiteral("/knowledge/ingest-batch-async"),
                                                   {{QStringLiteral("items"), items}}, kEditor);
        if (created.status != 200)
            return {};
        QStringList ids;
        const QJsonArray jobs = created.json().value(QStringLiteral("job_ids")).toArray();
        for (const QJsonValue &job : jobs)
            ids.append(job.toString());
        return ids;
    }

private Q_SLOTS:
    void initTestCase()
    {
        // A transient failure waits long enough to watch its countdown.
        m_desktop.settings().retryBackoffMs = 40000;
        QVERIFY2(m_desktop.start(), qPrintable(m_desktop.errorText()));
    }

    void retryRunsAFailedJobAgain()
    {
        FixtureHttpServer site;
        FixtureResponse missing;
        missing.status = 404;
        missing.reason = "Not Found";
        FixtureResponse page;
        page.headers = {{"Content-Type", "text/html"}};
        page.body = "<html><body><p>Found on the second try.</p></body></html>";
        site.setSequence("/flaky", {missing, page});

        AddContentPanel *panel = m_desktop.window()->addPanel();
        const QString url = QString::fromLatin1(site.url("/flaky"));
        panel->urlBox()->setPlainText(url);
        panel->queueUrls();
        const QString id = waitForJobNamed(url);
        QVERIFY(!id.isEmpty());
        JobTableModel *jobs = m_desktop.window()->jobs();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(*jobs, id), QStringLiteral("failed"), kJobTimeoutMs);
        QVERIFY(jobs->find(id)->error.contains(QStringLiteral("404")));

        JobsPanel *table = m_desktop.window()->jobsPanel();
        table->selectJob(id);
        QCOMPARE(table->selectedIds(), QStringList{id});
        table->retrySelected();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(*jobs, id), QStringLiteral("finished"), kJobTimeoutMs);
        QCOMPARE(site.requestCount("/flaky"), 2);
        QVERIFY(jobs->find(id)->error.isEmpty());
    }

    // Pause from the window, then the actions follow the selected job's state:
    // a queued job can be canceled, not retried; a canceled one retried and
    // deleted, not canceled. Deleting asks first; the Delete key deletes too.
    void actionsFollowTheJobsStateWhilePaused()
    {
        const HttpClient client(m_desktop.baseUrl());
        MainWindow *window = m_desktop.window();
        JobsPanel *table = window->jobsPanel();
        table->pauseAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(client.get(QStringLiteral("/ops/queue"), kAdmin)
                                     .json()
                                     .value(QStringLiteral("paused"))
                                     .toBool(),
                                 10000);
        QTRY_COMPARE_WITH_TIMEOUT(table->pauseAction()->text(), QStringLiteral("Resume queue"),
                                  10000);
        auto *resume =
            window->statusBar()->findChild<QPushButton *>(QStringLiteral("resumeQueueButton"));
        QTRY_VERIFY_WITH_TIMEOUT(resume && resume->isVisible(), 10000);

        AddContentPanel *panel = window->addPanel();
        panel->queueText(QStringLiteral("Waiting in a paused queue."));
        const QString id = waitForJobNamed(QStringLiteral("Waiting in a paused queue."));
        QVERIFY(!id.isEmpty());
        JobTableModel *jobs = window->jobs();
        QCOMPARE(statusOf(*jobs, id), QStringLiteral("queued"));
        table->selectJob(id);
        QVERIFY(table->cancelAction()->isEnabled());
        QVERIFY(!table->retryAction()->isEnabled());

        table->cancelSelected();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(*jobs, id), QStringLiteral("canceled"), 10000);
        const QJsonObject job = client.get(QStringLiteral("/ops/jobs/") + id, kAdmin).json();
        QCOMPARE(job.value(QStringLiteral("status")).toString(), QStringLiteral("canceled"));
        QCOMPARE(jobs->countsByState().value(QStringLiteral("canceled")), 1);
        table->selectJob(id);
        QTRY_VERIFY_WITH_TIMEOUT(!table->cancelAction()->isEnabled(), 5000);
        QVERIFY(table->retryAction()->isEnabled());
        QVERIFY(table->deleteAction()->isEnabled());

        // Deleting asks first: "no" keeps the job.
        QStringList asked;
        bool answer = false;
        table->setConfirm([&](const QString &question) {
            asked.append(question);
            return answer;
        });
        table->deleteSelected();
        QCOMPARE(asked.size(), 1);
        QTest::qWait(300);
        QVERIFY(jobs->find(id));
        QCOMPARE(client.get(QStringLiteral("/ops/jobs/") + id, kAdmin).status, 200);
        // "Yes", by the Delete key on the table.
        answer = true;
        table->table()->setFocus();
        QTest::keyClick(table->table(), Qt::Key_Delete);
        QCOMPARE(asked.size(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(!jobs->find(id), 10000);
        QCOMPARE(client.get(QStringLiteral("/ops/jobs/") + id, kAdmin).status, 404);

        // The status bar's Resume resumes.
        resume->click();
        QTRY_VERIFY_WITH_TIMEOUT(!client.get(QStringLiteral("/ops/queue"), kAdmin)
                                      .json()
                                      .value(QStringLiteral("paused"))
                                      .toBool(),
                                 10000);
        QTRY_COMPARE_WITH_TIMEOUT(table->pauseAction()->text(), QStringLiteral("Pause queue"),
                                  10000);
        QTRY_VERIFY_WITH_TIMEOUT(!resume->isVisible(), 10000);
    }

    // Open source, Copy URL and Show document follow the job's kind; the
    // opener gets the web page or the local file; Show document names the
    // document the job stored.
    void contextMenuFollowsTheJobsKind()
    {
        const HttpClient client(m_desktop.baseUrl());
        MainWindow *window = m_desktop.window();
        JobsPanel *table = window->jobsPanel();
        JobTableModel *jobs = window->jobs();
        QList<QUrl> opened;
        table->setOpener([&opened](const QUrl &url) {
            opened.append(url);
            return true;
        });
        const QList<QAction *> menu = table->contextMenu()->actions();
        QVERIFY(menu.contains(table->openSourceAction()));
        QVERIFY(menu.contains(table->copyUrlAction()));
        QVERIFY(menu.contains(table->showDocumentAction()));

        FixtureHttpServer site;
        FixtureResponse page;
        page.headers = {{"Content-Type", "text/html"}};
        page.body = "<html><body><p>A page to open again.</p></body></html>";
        site.setResponse("/page", page);
        const QString url = QString::fromLatin1(site.url("/page"));
        window->addPanel()->urlBox()->setPlainText(url);
        window->addPanel()->queueUrls();
        const QString urlJob = waitForJobNamed(url);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(*jobs, urlJob), QStringLiteral("finished"),
                                  kJobTimeoutMs);
        table->selectJob(urlJob);
        QVERIFY(table->openSourceAction()->isEnabled());
        QVERIFY(table->copyUrlAction()->isEnabled());
        QVERIFY(table->showDocumentAction()->isEnabled());
        table->openSourceAction()->trigger();
        QCOMPARE(opened, QList<QUrl>{QUrl(url)});
        table->copyUrlAction()->trigger();
        QCOMPARE(QGuiApplication::clipboard()->text(), url);

        window->addPanel()->queueText(QStringLiteral("A text has no source to open."));
        const QString textJob = waitForJobNamed(QStringLiteral("A text has no source to open."));
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(*jobs, textJob), QStringLiteral("finished"),
                                  kJobTimeoutMs);
        table->selectJob(textJob);
        QVERIFY(!table->openSourceAction()->isEnabled());
        QVERIFY(!table->copyUrlAction()->isEnabled());
        QVERIFY(table->showDocumentAction()->isEnabled());
        const qint64 stored = client.get(QStringLiteral("/ops/jobs/") + textJob, kAdmin)
                                  .json()
                                  .value(QStringLiteral("result"))
                                  .toObject()
                                  .value(QStringLiteral("document_id"))
                                  .toInteger(-1);
        QVERIFY(stored > 0);
        QSignalSpy shown(table, &JobsPanel::showDocumentRequested);
        table->showDocumentAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(shown.size(), 1, 10000);
        QCOMPARE(shown.first().first().toLongLong(), stored);
        // The window shows it in the Documents tab, its stored text previewed.
        QCOMPARE(window->tabs()->currentWidget(), window->documentsPanel());
        DocumentPreview *preview = window->documentsPanel()->preview();
        QTRY_COMPARE_WITH_TIMEOUT(preview->documentId(), stored, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(preview->textView()->toPlainText().contains(
                                     QLatin1String("A text has no source to open.")),
                                 10000);
        window->tabs()->setCurrentIndex(0);

        // A file job opens its local file, when the window knows where it is.
        const QString path = m_desktop.tempPath(QStringLiteral("opened.txt"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("A file to open again.\n");
        file.close();
        QString known;
        table->setLocalFiles([&known, &path](const QString &name) {
            return name == QLatin1String("opened.txt") ? known : QString();
        });
        window->addPanel()->collectPaths({path});
        QTRY_COMPARE_WITH_TIMEOUT(window->addPanel()->pendingFileCount(), 1, 10000);
        window->addPanel()->queuePendingFiles();
        const QString fileJob = waitForJobNamed(QStringLiteral("opened.txt"));
        QVERIFY(!fileJob.isEmpty());
        table->selectJob(fileJob);
        QVERIFY(!table->openSourceAction()->isEnabled()); // not known where it is
        QVERIFY(!table->copyUrlAction()->isEnabled());
        known = path;
        table->selectJob(fileJob);
        table->setLocalFiles([&known](const QString &name) {
            return name == QLatin1String("opened.txt") ? known : QString();
        });
        QVERIFY(table->openSourceAction()->isEnabled());
        table->openSourceAction()->trigger();
        QCOMPARE(opened.last(), QUrl::fromLocalFile(path));
        // The lambdas above end with this test.
        table->setOpener([](const QUrl &) { return false; });
        table->setLocalFiles({});
        table->table()->clearSelection();
    }

    // Workers take up to 64 text jobs at once, all "started" in the queue:
    // the table's Started count stays within the two workers all through a
    // drain of 200, and each state's count is the rows its filter shows. The
    // drain rate shows while it drains, "Paused" (no ETA) before.
    void startedNeverExceedsTheWorkers()
    {
        MainWindow *window = m_desktop.window();
        JobTableModel *jobs = window->jobs();
        JobsPanel *table = window->jobsPanel();
        const auto allIn = [jobs](const QStringList &ids) {
            return std::all_of(ids.begin(), ids.end(),
                               [jobs](const QString &id) { return jobs->find(id); });
        };
        const auto allFinished = [jobs](const QStringList &ids) {
            return std::all_of(ids.begin(), ids.end(), [jobs](const QString &id) {
                return statusOf(*jobs, id) == QLatin1String("finished");
            });
        };
        setQueuePaused(true);
        const QStringList ids = queueTexts(QStringLiteral("Drained"), 200);
        QCOMPARE(ids.size(), 200);
        QTRY_VERIFY_WITH_TIMEOUT(allIn(ids), kJobTimeoutMs);
        QTRY_VERIFY2_WITH_TIMEOUT(table->drainText().startsWith(QStringLiteral("Paused · ")),
                                  qPrintable(table->drainText()), 10000);
        QVERIFY(!table->drainText().contains(QStringLiteral("left")));

        int mostStarted = 0;
        const QMetaObject::Connection watch =
            connect(jobs, &JobTableModel::countsChanged, this, [&] {
                mostStarted =
                    qMax(mostStarted, jobs->countsByState().value(QStringLiteral("started")));
            });
        setQueuePaused(false);
        QTRY_VERIFY_WITH_TIMEOUT(allFinished(ids), 60000);
        disconnect(watch);
        // Text jobs take milliseconds: one may start and end within one batch
        // of events, so only the upper bound is sure.
        QVERIFY2(mostStarted <= 2, qPrintable(QString::number(mostStarted)));

        // The counts bar agrees with the rows each state filter shows.
        const QHash<QString, int> counts = jobs->countsByState();
        int total = 0;
        for (const QString &state : jobStates()) {
            table->proxy()->setStateFilter(state);
            QCOMPARE(table->proxy()->rowCount(), counts.value(state));
            total += counts.value(state);
        }
        table->proxy()->setStateFilter(QString());
        QCOMPARE(total, jobs->rowCount());

        // The drain's ends count for 10 s: with jobs waiting on a running
        // queue, the rate and an ETA show. (Checked with the workers held:
        // the whole drain may reach the window in one batch of events.)
        setQueuePaused(true);
        const QStringList more = queueTexts(QStringLiteral("Waiting"), 10);
        QTRY_VERIFY_WITH_TIMEOUT(allIn(more), kJobTimeoutMs);
        table->setQueuePaused(false); // as the status poll shows a running queue
        const QRegularExpression rate(QStringLiteral("^\\d+(\\.\\d)? jobs/s · about \\d+ s left$"));
        QVERIFY2(rate.match(table->drainText()).hasMatch(), qPrintable(table->drainText()));
        setQueuePaused(false);
        QTRY_VERIFY_WITH_TIMEOUT(allFinished(more), kJobTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(table->drainText(), QString(), 10000); // idle: nothing shown
    }

    // A transient failure (503) schedules a retry; its row counts down to it.
    void scheduledJobCountsDownToItsRetry()
    {
        FixtureHttpServer site;
        FixtureResponse unavailable;
        unavailable.status = 503;
        unavailable.reason = "Service Unavailable";
        site.setResponse("/busy", unavailable);
        MainWindow *window = m_desktop.window();
        const QString url = QString::fromLatin1(site.url("/busy"));
        window->addPanel()->urlBox()->setPlainText(url);
        window->addPanel()->queueUrls();
        const QString id = waitForJobNamed(url);
        JobTableModel *jobs = window->jobs();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(*jobs, id), QStringLiteral("scheduled"), kJobTimeoutMs);
        const auto errorCell = [&] {
            return jobs->index(jobs->rowOf(id), JobTableModel::ErrorColumn).data().toString();
        };
        const QRegularExpression countdown(QStringLiteral("^retry in (\\d+) s · .*503"));
        const QRegularExpressionMatch first = countdown.match(errorCell());
        QVERIFY2(first.hasMatch(), qPrintable(errorCell()));
        const int secondsBefore = first.captured(1).toInt();
        QVERIFY(secondsBefore > 5 && secondsBefore <= 50);
        QTRY_VERIFY_WITH_TIMEOUT(countdown.match(errorCell()).captured(1).toInt() < secondsBefore,
                                 5000);

        JobsPanel *table = window->jobsPanel();
        table->selectJob(id);
        table->cancelSelected();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(*jobs, id), QStringLiteral("canceled"), 10000);
        QVERIFY(!errorCell().startsWith(QStringLiteral("retry in")));
    }

    // Deleting many jobs: four requests at a time, "Deleting n of N…" as the
    // answers come, one summary at the end naming what could not be deleted.
    void bulkDeleteReportsProgressAndOneSummary()
    {
        const HttpClient client(m_desktop.baseUrl());
        MainWindow *window = m_desktop.window();
        JobTableModel *jobs = window->jobs();
        JobsPanel *table = window->jobsPanel();
        setQueuePaused(true);
        const QStringList ids = queueTexts(QStringLiteral("Deleted"), 30);
        QCOMPARE(ids.size(), 30);
        QTRY_VERIFY_WITH_TIMEOUT(
            std::all_of(ids.begin(), ids.end(), [&](const QString &id) { return jobs->find(id); }),
            kJobTimeoutMs);
        selectJobs(ids);
        QCOMPARE(table->selectedIds().size(), 30);
        // Once asked, one of them is deleted elsewhere: its delete will be refused.
        table->setConfirm([&](const QString &) {
            return client.send("DELETE", QStringLiteral("/ops/jobs/") + ids.first(), {}, kAdmin)
                       .status == 200;
        });
        QSignalSpy messages(table, &JobsPanel::message);
        table->deleteSelected();
        QTRY_VERIFY_WITH_TIMEOUT(messagesOf(messages).filter(QStringLiteral("Deleted")).size() == 1,
                                 kJobTimeoutMs);
        const QStringList texts = messagesOf(messages);
        QVERIFY2(
            texts.filter(QRegularExpression(QStringLiteral("^Deleting \\d+ of 30…$"))).size() >= 2,
            qPrintable(texts.join(QStringLiteral(" | "))));
        QCOMPARE(texts.last(),
                 QStringLiteral("Deleted 29 jobs; 1 could not be deleted: Job not found"));
        for (const QString &id : ids.mid(1)) {
            QVERIFY(!jobs->find(id));
            QCOMPARE(client.get(QStringLiteral("/ops/jobs/") + id, kAdmin).status, 404);
        }
        setQueuePaused(false);
    }

    // Retry on a selection of finished and failed jobs asks only for the failed one.
    void retryOnAMixedSelectionRetriesOnlyFailedJobs()
    {
        FixtureHttpServer site;
        FixtureResponse missing;
        missing.status = 404;
        missing.reason = "Not Found";
        site.setResponse("/gone", missing);
        MainWindow *window = m_desktop.window();
        JobTableModel *jobs = window->jobs();
        const QString url = QString::fromLatin1(site.url("/gone"));
        window->addPanel()->urlBox()->setPlainText(url);
        window->addPanel()->queueUrls();
        const QString failed = waitForJobNamed(url);
        window->addPanel()->queueText(QStringLiteral("Finished beside a failed one."));
        const QString finished = waitForJobNamed(QStringLiteral("Finished beside a failed one."));
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(*jobs, failed), QStringLiteral("failed"), kJobTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(*jobs, finished), QStringLiteral("finished"),
                                  kJobTimeoutMs);
        JobsPanel *table = window->jobsPanel();
        selectJobs({failed, finished});
        QCOMPARE(table->selectedIds().size(), 2);
        QVERIFY(table->retryAction()->isEnabled());
        QSignalSpy messages(table, &JobsPanel::message);
        table->retrySelected();
        QTRY_COMPARE_WITH_TIMEOUT(messages.size(), 1, 10000);
        QCOMPARE(messages.first().first().toString(), QStringLiteral("Queued 1 job again"));
        QTRY_COMPARE_WITH_TIMEOUT(site.requestCount("/gone"), 2, kJobTimeoutMs);
        QCOMPARE(statusOf(*jobs, finished), QStringLiteral("finished"));
    }

    // The empty table teaches on first launch, and says when a filter hides every row.
    void emptyStates()
    {
        JobsPanel *table = m_desktop.window()->jobsPanel();
        table->proxy()->setTextFilter(QStringLiteral("no job has this text"));
        QCOMPARE(table->proxy()->rowCount(), 0);
        QCOMPARE(table->emptyStateText(), QStringLiteral("No jobs match the filter."));
        table->proxy()->setTextFilter(QString());
        QVERIFY(table->emptyStateText().isEmpty());

        ApiClient api(ApiEndpoint{QUrl(m_desktop.baseUrl()), "test-key", {}, {}});
        JobTableModel none;
        JobsPanel fresh(&api, &none);
        QVERIFY2(fresh.emptyStateText().startsWith(QStringLiteral("No jobs yet.")),
                 qPrintable(fresh.emptyStateText()));
        QVERIFY(fresh.emptyStateText().contains(m_desktop.baseUrl() +
                                                QStringLiteral("/knowledge/ingest-text-async")));
    }

    void clearFinishedDeletesEveryFinishedJob()
    {
        const HttpClient client(m_desktop.baseUrl());
        AddContentPanel *panel = m_desktop.window()->addPanel();
        panel->queueText(QStringLiteral("Soon finished and cleared."));
        const QString id = waitForJobNamed(QStringLiteral("Soon finished and cleared."));
        JobTableModel *jobs = m_desktop.window()->jobs();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(*jobs, id), QStringLiteral("finished"), kJobTimeoutMs);
        JobsPanel *table = m_desktop.window()->jobsPanel();
        table->setConfirm([](const QString &) { return true; });
        table->clearFinished();
        QTRY_COMPARE_WITH_TIMEOUT(jobs->countsByState().value(QStringLiteral("finished")), 0,
                                  10000);
        QCOMPARE(client.get(QStringLiteral("/ops/jobs?status=finished"), kAdmin)
                     .json()
                     .value(QStringLiteral("jobs"))
                     .toArray()
                     .size(),
                 0);
    }

private:
    DesktopFixture m_desktop;
};

QTEST_MAIN(TestDesktopJobActions)
#include "tst_desktopjobactions.moc"
