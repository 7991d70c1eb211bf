// Renders the window with jobs in every state, a search result, the stored
// documents and the settings dialog to PNG files (QWidget::grab), each in a
// light and a dark palette: into $AETHER_SCREENSHOT_DIR when set
// (docs/screenshots for the README), else into a temporary directory; checks
// they are not blank and that the dark ones are dark.
#include "desktopfixture.h"
#include "fixturehttpserver.h"
#include "httpclient.h"
#include "jobpoller.h"
#include "ui/addcontentpanel.h"
#include "ui/documentpreview.h"
#include "ui/documentspanel.h"
#include "ui/jobtablemodel.h"
#include "ui/mainwindow.h"
#include "ui/searchpanel.h"
#include "ui/settingsdialog.h"

#include <QApplication>
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

// A dark desktop theme as Qt's Fusion style draws one: what a user with a dark
// system palette sees.
QPalette darkPalette()
{
    QPalette dark;
    const QColor window(0x2b, 0x2b, 0x2b), base(0x1e, 0x1e, 0x1e), text(0xe6, 0xe6, 0xe6);
    dark.setColor(QPalette::Window, window);
    dark.setColor(QPalette::WindowText, text);
    dark.setColor(QPalette::Base, base);
    dark.setColor(QPalette::AlternateBase, window);
    dark.setColor(QPalette::ToolTipBase, base);
    dark.setColor(QPalette::ToolTipText, text);
    dark.setColor(QPalette::Text, text);
    dark.setColor(QPalette::Button, window);
    dark.setColor(QPalette::ButtonText, text);
    dark.setColor(QPalette::BrightText, Qt::red);
    dark.setColor(QPalette::Link, QColor(0x6a, 0xb0, 0xf3));
    dark.setColor(QPalette::Highlight, QColor(0x2f, 0x65, 0xca));
    dark.setColor(QPalette::HighlightedText, Qt::white);
    dark.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
    dark.setColor(QPalette::Disabled, QPalette::Text, QColor(0x80, 0x80, 0x80));
    dark.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x80, 0x80, 0x80));
    dark.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x80, 0x80, 0x80));
    return dark;
}

double meanLightness(const QImage &image)
{
    qint64 sum = 0, count = 0;
    for (int y = 0; y < image.height(); y += 3) {
        for (int x = 0; x < image.width(); x += 3, ++count)
            sum += QColor(image.pixel(x, y)).lightness();
    }
    return count ? double(sum) / double(count) : 0;
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
    QImage save(QWidget *widget, const QString &name, QSize minimum = QSize(800, 500))
    {
        QCoreApplication::processEvents();
        const QImage image = widget->grab().toImage();
        [&] {
            QVERIFY(image.width() >= minimum.width() && image.height() >= minimum.height());
            QVERIFY2(colourCount(image) > 40, qPrintable(name));
            const QString path = QDir(m_outputDir).filePath(name + QStringLiteral(".png"));
            QVERIFY(image.save(path));
            qInfo("screenshot: %s", qPrintable(path));
        }();
        return image;
    }

    // The light render as name.png, then the same under the dark palette as
    // name-dark.png; the light palette is back after.
    void saveLightAndDark(QWidget *widget, const QString &name, QSize minimum = QSize(800, 500))
    {
        const QImage light = save(widget, name, minimum);
        const QPalette original = QApplication::palette();
        QApplication::setPalette(darkPalette());
        const QImage dark = save(widget, name + QStringLiteral("-dark"), minimum);
        QApplication::setPalette(original);
        QCoreApplication::processEvents();
        qInfo("%s: mean lightness %.0f light, %.0f dark", qPrintable(name), meanLightness(light),
              meanLightness(dark));
        QVERIFY2(meanLightness(dark) < 100 && meanLightness(light) > 150, qPrintable(name));
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
        // The README's size, larger than the offscreen screen the window
        // keeps itself within when shown.
        m_desktop.window()->resize(1280, 800);
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
        QTRY_VERIFY2_WITH_TIMEOUT(jobs->record(0).chunks >= 1,
                                  qPrintable(jobs->record(0).name + QLatin1Char(' ') +
                                             jobs->record(0).status + QLatin1Char(' ') +
                                             QString::number(jobs->record(0).chunks)),
                                  10000);
        QTest::qWait(2500); // one status-bar poll of GET /ops/queue
        saveLightAndDark(window, QStringLiteral("jobs"));
    }

    void searchResult()
    {
        MainWindow *window = m_desktop.window();
        window->showSearch();
        window->searchPanel()->queryField()->setText(QStringLiteral("glaciers valleys"));
        window->searchPanel()->search();
        QTRY_VERIFY_WITH_TIMEOUT(window->searchPanel()->results()->topLevelItemCount() > 0, 10000);
        saveLightAndDark(window, QStringLiteral("search"));

        window->tabs()->setCurrentWidget(window->documentsPanel());
        QTRY_VERIFY_WITH_TIMEOUT(window->documentsPanel()->documents()->topLevelItemCount() >= 2,
                                 10000);
        QTreeWidget *documents = window->documentsPanel()->documents();
        documents->setCurrentItem(documents->topLevelItem(0));
        QTRY_VERIFY_WITH_TIMEOUT(
            window->documentsPanel()->preview()->textView()->toPlainText().contains(
                QLatin1String("Glaciers")),
            10000);
        saveLightAndDark(window, QStringLiteral("documents"));
        window->tabs()->setCurrentIndex(0);

        SettingsDialog settings(m_desktop.session()->settings(),
                                m_desktop.tempPath(QStringLiteral("settings.conf")), true, window);
        settings.show();
        QVERIFY(QTest::qWaitForWindowExposed(&settings));
        saveLightAndDark(&settings, QStringLiteral("settings"), QSize(400, 400));
        settings.reject();

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
