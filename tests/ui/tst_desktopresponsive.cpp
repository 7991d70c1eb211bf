// With Redis hung (SIGSTOP: its connections stay open and nothing answers),
// the window keeps answering: it repaints, switches tabs and opens dialogs
// while the REST server's routes wait on Redis on the server's own thread
// (docs/ARCHITECTURE.md, "Threads"). The API answers 503 once its Redis
// timeout passes, instead of hanging. Applying new settings, which restarts
// the service and waits for its workers and Redis, does not hold it either.
#include "common/ingestservice.h"
#include "desktopfixture.h"
#include "httpclient.h"
#include "jobpoller.h"
#include "rawhttp.h"
#include "ui/jobdetailsdialog.h"
#include "ui/jobspanel.h"
#include "ui/jobtablemodel.h"
#include "ui/mainwindow.h"
#include "ui/statuspanel.h"

#include <QElapsedTimer>
#include <QStatusBar>
#include <QTabWidget>
#include <QTest>
#include <atomic>
#include <chrono>
#include <thread>

using namespace aether;
using namespace aether::test;
using namespace std::chrono_literals;

namespace {

// The target is 200 ms; a hang on Redis is 5,000 ms (the socket
// timeout). The bound leaves a shared, busy test machine room without letting
// a Redis wait on the GUI thread through; the figures are printed.
constexpr qint64 kResponsiveMs = 1000;
constexpr int kHungForMs = 8000; // covers two job re-lists (3 s) and a Redis timeout (5 s)

// How long events posted to the GUI thread wait there: another thread posts
// one every 20 ms, and each records its delay when the GUI thread runs it.
class PostedEventProbe
{
public:
    ~PostedEventProbe() { stop(); }

    void start()
    {
        m_poster = std::thread([this] {
            while (!m_stopping) {
                QElapsedTimer posted;
                posted.start();
                QMetaObject::invokeMethod(
                    qApp, [this, posted] { m_worstMs = qMax(m_worstMs, posted.elapsed()); },
                    Qt::QueuedConnection);
                ++m_posted;
                std::this_thread::sleep_for(20ms);
            }
        });
    }

    void stop()
    {
        if (!m_poster.joinable())
            return;
        m_stopping = true;
        m_poster.join();
        QCoreApplication::sendPostedEvents(); // the last ones run before this goes
    }

    qint64 worstMs() const { return m_worstMs; }
    int posted() const { return m_posted; }

private:
    std::thread m_poster;
    std::atomic_bool m_stopping{false};
    std::atomic_int m_posted{0};
    qint64 m_worstMs = 0; // GUI thread only
};

qint64 timed(const std::function<void()> &action)
{
    QElapsedTimer timer;
    timer.start();
    action();
    return timer.elapsed();
}

} // namespace

class TestDesktopResponsive : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        m_desktop.setSettingsReader(
            [this](QString *) -> std::optional<Settings> { return m_savedSettings; });
        QVERIFY2(m_desktop.start(), qPrintable(m_desktop.errorText()));
    }

    void theWindowAnswersWhileRedisHangs()
    {
        HttpClient client(m_desktop.baseUrl());
        const QString id =
            client
                .postJson(QStringLiteral("/knowledge/ingest-text-async"),
                          {{QStringLiteral("text"), QStringLiteral("A note about hung servers.")}},
                          kEditor)
                .json()
                .value(QStringLiteral("job_id"))
                .toString();
        QVERIFY(!id.isEmpty());
        MainWindow *window = m_desktop.window();
        QTRY_VERIFY_WITH_TIMEOUT(window->jobs()->find(id), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(window->jobs()->find(id)->status, QStringLiteral("finished"),
                                  30000);

        m_desktop.redis().freeze();
        PostedEventProbe probe;
        probe.start();
        // The API, asked meanwhile from another thread, gives up on Redis.
        std::atomic_int apiStatus{0};
        std::atomic<qint64> apiMs{0};
        const quint16 port = m_desktop.session()->service()->port();
        std::thread apiCall([&] {
            QElapsedTimer timer;
            timer.start();
            // Behind the window's own requests, each waiting out the timeout.
            const QByteArray answer =
                rawExchange(port,
                            "GET /ops/queue HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            "x-admin-key: admin-secret-123\r\nConnection: close\r\n\r\n",
                            30000);
            apiMs = timer.elapsed();
            apiStatus = statusOf(answer);
        });

        qint64 worstRepaintMs = 0, worstTabMs = 0, worstDialogMs = 0;
        QTabWidget *tabs = window->tabs();
        QElapsedTimer hung;
        hung.start();
        for (int round = 0; hung.elapsed() < kHungForMs; ++round) {
            worstRepaintMs = qMax(worstRepaintMs, timed([&] { window->repaint(); }));
            worstTabMs = qMax(worstTabMs, timed([&] {
                                  tabs->setCurrentIndex((tabs->currentIndex() + 1) % tabs->count());
                                  tabs->currentWidget()->repaint();
                              }));
            if (round % 8 == 0) {
                worstDialogMs = qMax(worstDialogMs, timed([&] {
                                         window->jobsPanel()->selectJob(id);
                                         window->jobsPanel()->showDetails();
                                     }));
                const auto dialogs = window->findChildren<JobDetailsDialog *>();
                QVERIFY(!dialogs.isEmpty() && dialogs.last()->isVisible());
                for (JobDetailsDialog *dialog : dialogs)
                    dialog->close();
            }
            QTest::qWait(50);
        }
        probe.stop();
        apiCall.join();
        m_desktop.redis().thaw();
        qInfo("Redis hung for %d ms: posted events waited at most %lld ms (%d posted); repaint "
              "%lld ms, tab switch %lld ms, dialog %lld ms; the API answered %d after %lld ms",
              kHungForMs, probe.worstMs(), probe.posted(), worstRepaintMs, worstTabMs,
              worstDialogMs, int(apiStatus), qint64(apiMs));
        QVERIFY(probe.posted() > 100);
        QVERIFY2(probe.worstMs() < kResponsiveMs, qPrintable(QString::number(probe.worstMs())));
        QVERIFY(worstRepaintMs < kResponsiveMs && worstTabMs < kResponsiveMs &&
                worstDialogMs < kResponsiveMs);
        QCOMPARE(int(apiStatus), 503);

        // Redis back: the API answers again.
        QTRY_COMPARE_WITH_TIMEOUT(client.get(QStringLiteral("/ops/queue"), kAdmin).status, 200,
                                  15000);
    }

    // The restart waits out the workers' grace, the REST server's routes
    // stuck on Redis and the queue check's Redis timeout: all on the service
    // thread, while the window keeps answering and says it is applying.
    void applyingSettingsWhileRedisHangsKeepsTheWindowAnswering()
    {
        MainWindow *window = m_desktop.window();
        m_savedSettings = m_desktop.session()->settings();
        m_savedSettings.chunkSize = 640;
        m_desktop.redis().freeze();
        PostedEventProbe probe;
        probe.start();
        QElapsedTimer applying;
        applying.start();
        Q_EMIT window->settingsSaved(); // what "Save" in the dialog does
        qint64 worstRepaintMs = 0;
        while (applying.elapsed() < kHungForMs) {
            worstRepaintMs = qMax(worstRepaintMs, timed([&] { window->repaint(); }));
            QTest::qWait(50);
        }
        QVERIFY(m_desktop.session()->isApplying()); // still waiting on the hung Redis
        QCOMPARE(window->statusBar()->currentMessage(), QStringLiteral("Applying the settings…"));
        // Not a red "API unreachable" for a restart on purpose.
        QCOMPARE(window->statusPanel()->queueText(), QStringLiteral("Restarting…"));
        m_desktop.redis().thaw();
        QTRY_COMPARE_WITH_TIMEOUT(window->statusBar()->currentMessage(),
                                  QStringLiteral("Settings applied"), 60000);
        probe.stop();
        qInfo("applying with Redis hung took %lld ms: posted events waited at most %lld ms (%d "
              "posted), repaint at most %lld ms",
              applying.elapsed(), probe.worstMs(), probe.posted(), worstRepaintMs);
        QVERIFY2(probe.worstMs() < kResponsiveMs, qPrintable(QString::number(probe.worstMs())));
        QVERIFY(worstRepaintMs < kResponsiveMs);
        QCOMPARE(m_desktop.session()->settings().chunkSize, 640);
        HttpClient client(m_desktop.baseUrl());
        QTRY_COMPARE_WITH_TIMEOUT(client.get(QStringLiteral("/ops/queue"), kAdmin).status, 200,
                                  15000);
    }

private:
    DesktopFixture m_desktop;
    Settings m_savedSettings;
};

QTEST_MAIN(TestDesktopResponsive)
#include "tst_desktopresponsive.moc"
