// Retry, cancel and delete from the job table act on the real queue: a failed
// URL job retried runs again and finishes; a job queued while the workers are
// paused is canceled; a deleted job leaves the table.
#include "desktopfixture.h"
#include "fixturehttpserver.h"
#include "httpclient.h"
#include "jobpoller.h"
#include "ui/addcontentpanel.h"
#include "ui/jobspanel.h"
#include "ui/jobtablemodel.h"
#include "ui/mainwindow.h"

#include <QPlainTextEdit>
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

    void cancelAQueuedJobWhilePaused()
    {
        const HttpClient client(m_desktop.baseUrl());
        QCOMPARE(client.post(QStringLiteral("/ops/queue/pause"), {}, kAdmin).status, 200);
        AddContentPanel *panel = m_desktop.window()->addPanel();
        panel->queueText(QStringLiteral("Waiting in a paused queue."));
        const QString id = waitForJobNamed(QStringLiteral("Waiting in a paused queue."));
        QVERIFY(!id.isEmpty());
        JobTableModel *jobs = m_desktop.window()->jobs();
        QCOMPARE(statusOf(*jobs, id), QStringLiteral("queued"));

        JobsPanel *table = m_desktop.window()->jobsPanel();
        table->selectJob(id);
        table->cancelSelected();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(*jobs, id), QStringLiteral("canceled"), 10000);
        const QJsonObject job = client.get(QStringLiteral("/ops/jobs/") + id, kAdmin).json();
        QCOMPARE(job.value(QStringLiteral("status")).toString(), QStringLiteral("canceled"));
        QCOMPARE(jobs->countsByState().value(QStringLiteral("canceled")), 1);

        // Deleting it removes it from the queue and the table.
        table->selectJob(id);
        table->deleteSelected();
        QTRY_VERIFY_WITH_TIMEOUT(!jobs->find(id), 10000);
        QCOMPARE(client.get(QStringLiteral("/ops/jobs/") + id, kAdmin).status, 404);
        QCOMPARE(client.post(QStringLiteral("/ops/queue/resume"), {}, kAdmin).status, 200);
    }

private:
    DesktopFixture m_desktop;
};

QTEST_MAIN(TestDesktopJobActions)
#include "tst_desktopjobactions.moc"
