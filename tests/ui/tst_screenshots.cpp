// Renders the window with jobs in every state and a search result to PNG files
// (QWidget::grab): into $AETHER_SCREENSHOT_DIR when set (docs/screenshots for
// the README), else into a temporary directory; checks they are not blank.
#include "desktopfixture.h"
#include "fixturehttpserver.h"
#include "httpclient.h"
#include "jobpoller.h"
#include "ui/addcontentpanel.h"
#include "ui/documentspanel.h"
#include "ui/jobtablemodel.h"
#include "ui/mainwindow.h"
#include "ui/searchpanel.h"

#include <QDir>
#include <QImage>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSet>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace aether;
using namespace aether::test;

namespace {

constexpr int kJobTimeoutMs = 30000;

int countWithStatus(const JobTableModel &jobs, const QString &status)
{
    int count = 0;
    for (int row = 0; row < jobs.rowCount(); ++row)
        count += jobs.record(row).status == status ? 1 : 0;
    return count;
}

// Distinct colours in a sample of the image: a blank or single-colour render has few.
int colourCount(const QImage &image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3) {
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    }
    return int(colours.size());
}

FixtureResponse htmlPage(const QByteArray &body, int delayMs = 0)
{
    FixtureResponse response;
    response.headers = {{"Content-Type", "text/html; charset=utf-8"}};
    response.body = body;
    response.delayMs = delayMs;
    return response;
}

} // namespace

class TestScreenshots : public QObject
{
    Q_OBJECT

private:
    void save(QWidget *widget, const QString &name)
    {
        QCoreApplication::processEvents();
        const QImage image = widget->grab().toImage();
        QVERIFY(image.width() >= 800 && image.height() >= 500);
        QVERIFY2(colourCount(image) > 40, qPrintable(name));
        const QString path = QDir(m_outputDir).filePath(name);
        QVERIFY(image.save(path));
        qInfo("screenshot: %s", qPrintable(path));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_outputDir = qEnvironmentVariable("AETHER_SCREENSHOT_DIR");
        if (m_outputDir.isEmpty())
            m_outputDir = m_temp.path();
        QDir().mkpath(m_outputDir);
        // A transient failure waits a minute for its retry: the "scheduled" row.
        m_desktop.settings().retryBackoffMs = 60000;
        QVERIFY2(m_desktop.start(), qPrintable(m_desktop.errorText()));
    }

    void windowWithJobsInEveryState()
    {
        m_site.setResponse("/guide", htmlPage("<html><head><title>Field guide to glaciers</title>"
                                              "</head><body><p>Glaciers carve valleys and "
                                              "glaciers move slowly downhill.</p></body></html>"));
        m_site.setResponse("/slow", htmlPage("<html><body><p>slow</p></body></html>", 25000));
        FixtureResponse missing;
        missing.status = 404;
        missing.reason = "Not Found";
        m_site.setResponse("/missing", missing);
        FixtureResponse unavailable;
        unavailable.status = 503;
        unavailable.reason = "Service Unavailable";
        m_site.setResponse("/busy", unavailable);

        MainWindow *window = m_desktop.window();
        AddContentPanel *panel = window->addPanel();
        JobTableModel *jobs = window->jobs();
        panel->queueText(QStringLiteral("Glaciers store about two thirds of the fresh water on "
                                        "Earth; their ice flows under its own weight."));
        panel->urlBox()->setPlainText(QString::fromLatin1(
            m_site.url("/guide") + "\n" + m_site.url("/missing") + "\n" + m_site.url("/busy")));
        panel->queueUrls();
        QTRY_COMPARE_WITH_TIMEOUT(countWithStatus(*jobs, QStringLiteral("finished")), 2,
                                  kJobTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(countWithStatus(*jobs, QStringLiteral("failed")), 1,
                                  kJobTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(countWithStatus(*jobs, QStringLiteral("scheduled")), 1,
                                  kJobTimeoutMs);

        panel->urlBox()->setPlainText(QString::fromLatin1(m_site.url("/slow")));
        panel->queueUrls();
        QTRY_COMPARE_WITH_TIMEOUT(countWithStatus(*jobs, QStringLiteral("started")), 1,
                                  kJobTimeoutMs);

        const HttpClient client(m_desktop.baseUrl());
        QCOMPARE(client.post(QStringLiteral("/ops/queue/pause"), {}, kAdmin).status, 200);
        panel->queueText(QStringLiteral("Canceled before it ran: a note about sea ice."));
        panel->queueText(QStringLiteral("Still waiting: permafrost and tundra soils."));
        QTRY_COMPARE_WITH_TIMEOUT(countWithStatus(*jobs, QStringLiteral("queued")), 2,
                                  kJobTimeoutMs);
        for (int row = 0; row < jobs->rowCount(); ++row) {
            if (jobs->record(row).name.startsWith(QStringLiteral("Canceled")))
                QCOMPARE(client
                             .post(QStringLiteral("/ops/jobs/%1/cancel").arg(jobs->record(row).id),
                                   {}, kAdmin)
                             .status,
                         200);
        }
        QTRY_COMPARE_WITH_TIMEOUT(countWithStatus(*jobs, QStringLiteral("canceled")), 1,
                                  kJobTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(jobs->record(0).chunks >= 1, 10000);
        QTest::qWait(2500); // one status-bar poll of GET /ops/queue
        save(window, QStringLiteral("jobs.png"));
    }

    void searchResult()
    {
        MainWindow *window = m_desktop.window();
        window->showSearch();
        window->searchPanel()->queryField()->setText(QStringLiteral("glaciers valleys"));
        window->searchPanel()->search();
        QTRY_VERIFY_WITH_TIMEOUT(window->searchPanel()->results()->topLevelItemCount() > 0, 10000);
        save(window, QStringLiteral("search.png"));

        window->tabs()->setCurrentWidget(window->documentsPanel());
        QTRY_VERIFY_WITH_TIMEOUT(window->documentsPanel()->documents()->topLevelItemCount() >= 2,
                                 10000);
        save(window, QStringLiteral("documents.png"));
        window->tabs()->setCurrentIndex(0);

        // Let the slow job go before the service stops.
        const HttpClient client(m_desktop.baseUrl());
        JobTableModel *jobs = window->jobs();
        for (int row = 0; row < jobs->rowCount(); ++row) {
            if (jobs->record(row).status == QLatin1String("started"))
                client.post(QStringLiteral("/ops/jobs/%1/cancel").arg(jobs->record(row).id), {},
                            kAdmin);
        }
    }

private:
    QTemporaryDir m_temp;
    QString m_outputDir;
    FixtureHttpServer m_site;
    DesktopFixture m_desktop;
};

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
