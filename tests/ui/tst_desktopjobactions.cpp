// Retry, cancel and delete from the job table act on the real queue: a failed
// URL job retried runs again and finishes; a job queued while the workers are
// paused is canceled; a deleted job leaves the table (after asking). The
// actions follow the selected jobs' states; the queue pauses and resumes from
// the window; "Clear finished" deletes every finished job.
#include "desktopfixture.h"
#include "fixturehttpserver.h"
#include "httpclient.h"
#include "jobpoller.h"
#include "ui/addcontentpanel.h"
#include "ui/jobspanel.h"
#include "ui/jobtablemodel.h"
#include "ui/mainwindow.h"

#include <QAction>
#include <QJsonArray>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStatusBar>
#include <QTableView>
#include <QTest>

using namespace aether;
using namespace aether::test;

namespace {

constexpr int kJobTimeoutMs = 30000;

QString statusOf(const JobTableModel &jobs, const QString &id)
{
    const JobRecord *job = jobs.find(id);
    return job ? job->status : QString();
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

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_desktop.start(), qPrintable(m_desktop.errorText())); }

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
