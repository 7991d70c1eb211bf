// The settings dialog shows the settings in effect (from the one option
// table), writes only what was changed, refuses what the service would
// refuse, and saving applies the settings at once: the session restarts the
// service in the same process with what the settings say now, on the new
// port, while the window stays open with what it showed.
#include "desktopfixture.h"
#include "freeport.h"
#include "httpclient.h"
#include "jobpoller.h"
#include "ui/apiclient.h"
#include "ui/eventstream.h"
#include "ui/jobtablemodel.h"
#include "ui/mainwindow.h"
#include "ui/searchpanel.h"
#include "ui/settingsdialog.h"
#include "ui/statuspanel.h"

#include <QApplication>
#include <QCheckBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStatusBar>
#include <QTest>
#include <QTimer>

using namespace aether;
using namespace aether::test;

namespace {

int spinValue(const SettingsDialog &dialog, const char *env)
{
    auto *spin = qobject_cast<QSpinBox *>(dialog.editor(QLatin1String(env)));
    return spin ? spin->value() : -1;
}

QAction *settingsAction(MainWindow *window)
{
    for (QAction *menu : window->menuBar()->actions()) {
        for (QAction *action : menu->menu()->actions()) {
            if (action->text().startsWith(QLatin1String("&Settings")))
                return action;
        }
    }
    return nullptr;
}

// Applies the saved settings and waits for the service to run again.
DesktopSession::ApplyOutcome applyAndWait(DesktopSession *session, QString *error)
{
    std::optional<DesktopSession::ApplyOutcome> outcome;
    session->applySavedSettings([&](DesktopSession::ApplyOutcome done, const QString &why) {
        outcome = done;
        *error = why;
    });
    if (!QTest::qWaitFor([&] { return outcome.has_value(); }, 60000))
        return DesktopSession::ApplyOutcome::Failed;
    return *outcome;
}

} // namespace

class TestDesktopSettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theDialogShowsTheSettingsInEffect()
    {
        DesktopFixture fixture;
        fixture.settings().chunkSize = 640;
        fixture.settings().origins.insert(QStringLiteral("WORKERS"), QStringLiteral("environment"));
        QVERIFY2(fixture.start(), qPrintable(fixture.errorText()));
        // The file says 8000; the service runs on the fixture's free port.
        QSettings(fixture.tempPath(QStringLiteral("settings.conf")), QSettings::IniFormat)
            .setValue(QStringLiteral("AETHER_PORT"), 8000);

        int shownPort = 0, shownChunkSize = 0;
        bool workersLocked = false, urlAccessOffered = false, embedderOffered = false;
        QTimer::singleShot(0, this, [&] {
            auto *dialog = qobject_cast<SettingsDialog *>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            shownPort = spinValue(*dialog, "AETHER_PORT");
            shownChunkSize = spinValue(*dialog, "CHUNK_SIZE");
            workersLocked = !dialog->editor(QStringLiteral("WORKERS"))->isEnabled();
            urlAccessOffered =
                qobject_cast<QCheckBox *>(dialog->editor(QStringLiteral("URL_ALLOW_PRIVATE"))) &&
                dialog->editor(QStringLiteral("URL_ALLOW_HOSTS"));
            embedderOffered = dialog->editor(QStringLiteral("EMBED_BASE_URL")) &&
                              dialog->editor(QStringLiteral("EMBED_API_KEY"));
            dialog->reject();
        });
        QAction *open = settingsAction(fixture.window());
        QVERIFY(open);
        open->trigger(); // the modal dialog runs until the timer rejects it
        QCOMPARE(shownPort, int(fixture.session()->settings().port));
        QVERIFY(shownPort != 8000);
        QCOMPARE(shownChunkSize, 640);
        QVERIFY(workersLocked);
        QVERIFY(urlAccessOffered);
        QVERIFY(embedderOffered);
    }

    void savingWritesOnlyWhatChangedAndRefusesWhatTheServiceWould()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("settings.conf"));
        Settings inEffect;
        inEffect.port = 18400;
        SettingsDialog dialog(inEffect, file, true);
        qobject_cast<QSpinBox *>(dialog.editor(QStringLiteral("CHUNK_SIZE")))->setValue(400);
        QVERIFY(dialog.save());
        {
            const QSettings saved(file, QSettings::IniFormat);
            QCOMPARE(saved.value(QStringLiteral("CHUNK_SIZE")).toInt(), 400);
            QVERIFY(!saved.contains(QStringLiteral("AETHER_PORT"))); // unchanged: not written
        }
        // An overlap over half the chunk size would stop the restarted service.
        qobject_cast<QSpinBox *>(dialog.editor(QStringLiteral("CHUNK_OVERLAP")))->setValue(300);
        QVERIFY(!dialog.save());
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("settingsError"))
                    ->text()
                    .contains(QLatin1String("CHUNK_OVERLAP")));
        QVERIFY(!QSettings(file, QSettings::IniFormat).contains(QStringLiteral("CHUNK_OVERLAP")));
    }

    // A Redis password is never shown and survives saving other fields; Show
    // reveals every key; a key set that locks the window out of the admin
    // routes (where jobs and the queue are) is refused before it is written.
    void secretsStayHiddenAndTheWindowKeepsAdminAccess()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("settings.conf"));
        Settings inEffect;
        QString error;
        inEffect.redis =
            RedisUrl::parse(QStringLiteral("redis://:s3cret@127.0.0.1:6399/2"), &error);
        QVERIFY2(inEffect.redis, qPrintable(error));
        SettingsDialog dialog(inEffect, file, true);
        auto *redis = qobject_cast<QLineEdit *>(dialog.editor(QStringLiteral("REDIS_URL")));
        QVERIFY(!redis->text().contains(QLatin1String("s3cret")));
        qobject_cast<QSpinBox *>(dialog.editor(QStringLiteral("CHUNK_SIZE")))->setValue(400);
        QVERIFY(dialog.save());
        QVERIFY(!QSettings(file, QSettings::IniFormat).contains(QStringLiteral("REDIS_URL")));
        // Another db typed around the mask keeps the password the mask stands for.
        redis->setText(redis->text().replace(QLatin1String("6399/2"), QLatin1String("6399/4")));
        QVERIFY(dialog.save());
        QCOMPARE(
            QSettings(file, QSettings::IniFormat).value(QStringLiteral("REDIS_URL")).toString(),
            QStringLiteral("redis://:s3cret@127.0.0.1:6399/4"));
        redis->setText(QStringLiteral("redis://:other@127.0.0.1:6399/3"));
        QVERIFY(dialog.save());
        QCOMPARE(
            QSettings(file, QSettings::IniFormat).value(QStringLiteral("REDIS_URL")).toString(),
            QStringLiteral("redis://:other@127.0.0.1:6399/3"));

        auto *embedKey = qobject_cast<QLineEdit *>(dialog.editor(QStringLiteral("EMBED_API_KEY")));
        QCOMPARE(embedKey->echoMode(), QLineEdit::Password);
        QPushButton *show = nullptr;
        for (QPushButton *button : dialog.findChildren<QPushButton *>()) {
            if (button->text() == QLatin1String("Show"))
                show = button;
        }
        QVERIFY(show);
        show->click();
        QCOMPARE(embedKey->echoMode(), QLineEdit::Normal);

        auto *keys = qobject_cast<QLineEdit *>(dialog.editor(QStringLiteral("API_KEYS")));
        keys->setText(QStringLiteral("script-key:editor"));
        QVERIFY(!dialog.save());
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("settingsError"))
                    ->text()
                    .contains(QLatin1String("admin")));
        QVERIFY(!QSettings(file, QSettings::IniFormat).contains(QStringLiteral("API_KEYS")));
        keys->setText(QStringLiteral("script-key:editor,desk-key:admin"));
        QVERIFY(dialog.save());
    }

    // A key the API refuses is named as such (not as Redis being down), and
    // the event stream stops hammering the API with it.
    void aRefusedKeyIsSaidAndNotRetriedInALoop()
    {
        DesktopFixture fixture;
        QVERIFY2(fixture.start(), qPrintable(fixture.errorText()));
        MainWindow *window = fixture.window();
        QTRY_VERIFY_WITH_TIMEOUT(
            window->statusPanel()->queueText().startsWith(QLatin1String("Queue ")), 10000);
        ApiEndpoint wrong = window->api()->endpoint();
        wrong.apiKey = "not-a-key";
        wrong.adminKey = "not-the-admin-key";
        window->api()->setEndpoint(wrong);
        QSignalSpy refused(window->events(), &EventStream::refused);
        window->events()->stop();
        window->events()->start();
        QVERIFY(refused.wait(10000));
        QVERIFY(!refused.wait(3000)); // not every 2 s, as a dropped stream is
        window->statusPanel()->poll();
        QTRY_VERIFY_WITH_TIMEOUT(
            window->statusPanel()->queueText().contains(QLatin1String("key is refused")), 10000);
        QVERIFY(window->statusBar()
                    ->findChild<QLabel *>(QStringLiteral("redisStatus"))
                    ->text()
                    .endsWith(QLatin1String("connected")));
        QVERIFY(!window->statusBar()
                     ->findChild<QLabel *>(QStringLiteral("redisStatus"))
                     ->text()
                     .contains(QLatin1String("not connected")));
    }

    // A store built with another embedder takes no new documents: the status
    // bar says so and re-indexes it on request, after which it is gone.
    void aStoreBuiltWithAnotherEmbedderOffersReindex()
    {
        DesktopFixture fixture;
        Settings saved;
        fixture.setSettingsReader([&](QString *) -> std::optional<Settings> { return saved; });
        QVERIFY2(fixture.start(), qPrintable(fixture.errorText()));
        MainWindow *window = fixture.window();
        auto *reindex = window->statusPanel()->reindexButton();
        QVERIFY(reindex->isHidden());
        HttpClient client(fixture.baseUrl());
        const QString id = client
                               .postJson(QStringLiteral("/knowledge/ingest-text-async"),
                                         {{QStringLiteral("text"),
                                           QStringLiteral("Moraines are glacial debris.")}},
                                         kEditor)
                               .json()
                               .value(QStringLiteral("job_id"))
                               .toString();
        QCOMPARE(waitForJob(client, id).value(QStringLiteral("status")).toString(),
                 QStringLiteral("finished"));
        {
            // As if the store had been built by another model.
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), "meta-edit");
            db.setDatabaseName(fixture.session()->settings().databasePath);
            QVERIFY(db.open());
            QSqlQuery query(db);
            // (Another version of the built-in hash embedder would be
            // re-indexed by the service itself: tst_ingestd_reindex.)
            QVERIFY(query.exec(QStringLiteral("UPDATE meta SET value = 'another-model' "
                                              "WHERE key = 'model'")));
            QVERIFY(query.exec(QStringLiteral("UPDATE meta SET value = 'ollama' "
                                              "WHERE key = 'embedder'")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("meta-edit"));
        saved = fixture.session()->settings();
        QString error;
        QCOMPARE(applyAndWait(fixture.session(), &error), DesktopSession::ApplyOutcome::Applied);
        QVERIFY(!reindex->isHidden());
        QVERIFY(reindex->toolTip().contains(QLatin1String("another-model")));

        // It asks first: a remote embedder is sent every stored text.
        window->statusPanel()->setConfirm([](const QString &) { return false; });
        reindex->click();
        QVERIFY(reindex->isEnabled());
        QVERIFY(window->statusPanel()->reindexJob().isEmpty());
        window->statusPanel()->setConfirm([](const QString &) { return true; });
        reindex->click();
        QTRY_VERIFY_WITH_TIMEOUT(!window->statusPanel()->reindexJob().isEmpty(), 10000);
        QVERIFY(!reindex->isEnabled()); // one re-index at a time
        QCOMPARE(reindex->text(), QStringLiteral("Re-indexing…"));
        // Gone once the job has finished, not when it was queued.
        QTRY_VERIFY_WITH_TIMEOUT(reindex->isHidden(), 30000);
        QVERIFY(
            window->statusBar()->currentMessage().startsWith(QLatin1String("Re-index finished")));
        QCOMPARE(client.get(QStringLiteral("/ops/jobs?type=reindex&status=finished"), kAdmin)
                     .json()
                     .value(QStringLiteral("jobs"))
                     .toArray()
                     .size(),
                 1);
        QCOMPARE(applyAndWait(fixture.session(), &error), DesktopSession::ApplyOutcome::Applied);
        QVERIFY(reindex->isHidden()); // the store matches again
    }

    // Moving to another Redis leaves the old queue's jobs behind: the table
    // shows the new queue's, not rows that no longer exist there.
    void anotherRedisClearsTheJobTable()
    {
        DesktopFixture fixture;
        Settings saved;
        fixture.setSettingsReader([&](QString *) -> std::optional<Settings> { return saved; });
        QVERIFY2(fixture.start(), qPrintable(fixture.errorText()));
        MainWindow *window = fixture.window();
        HttpClient client(fixture.baseUrl());
        const QString id =
            client
                .postJson(QStringLiteral("/knowledge/ingest-text-async"),
                          {{QStringLiteral("text"), QStringLiteral("Old queue.")}}, kEditor)
                .json()
                .value(QStringLiteral("job_id"))
                .toString();
        QTRY_VERIFY_WITH_TIMEOUT(window->jobs()->find(id), 10000);
        RedisProcess other;
        QVERIFY2(other.start(), qPrintable(other.errorText()));
        saved = fixture.session()->settings();
        QString error;
        saved.redis = RedisUrl::parse(other.url(), &error);
        QCOMPARE(applyAndWait(fixture.session(), &error), DesktopSession::ApplyOutcome::Applied);
        QVERIFY(!window->jobs()->find(id));
        QCOMPARE(window->jobs()->rowCount(), 0);
        fixture.session()->stop(); // before its Redis goes
        other.stop();
    }

    void savedSettingsApplyWithoutClosingTheWindow()
    {
        DesktopFixture fixture;
        Settings changed;
        int reads = 0;
        fixture.setSettingsReader([&](QString *) -> std::optional<Settings> {
            ++reads;
            return changed;
        });
        QVERIFY2(fixture.start(), qPrintable(fixture.errorText()));
        const QString oldUrl = fixture.baseUrl();
        QCOMPARE(HttpClient(oldUrl).get(QStringLiteral("/healthz")).status, 200);
        MainWindow *window = fixture.window();
        window->searchPanel()->queryField()->setText(QStringLiteral("glacier moraine"));

        changed = fixture.session()->settings();
        changed.port = freePort();
        changed.chunkSize = 400;
        Q_EMIT window->settingsSaved(); // what "Save" in the dialog does
        QTRY_COMPARE_WITH_TIMEOUT(window->statusBar()->currentMessage(),
                                  QStringLiteral("Settings applied"), 20000);

        QCOMPARE(reads, 1);
        QCOMPARE(fixture.window(), window); // the same window, never closed
        QVERIFY(window->isVisible());
        QCOMPARE(window->searchPanel()->queryField()->text(), QStringLiteral("glacier moraine"));
        QCOMPARE(fixture.session()->settings().chunkSize, 400);
        const QString newUrl = fixture.baseUrl();
        QVERIFY(newUrl != oldUrl);
        QCOMPARE(HttpClient(newUrl).get(QStringLiteral("/healthz")).status, 200);
        QCOMPARE(HttpClient(oldUrl).get(QStringLiteral("/healthz")).status, 0); // closed
        // The window follows the service: it lists jobs from the new address.
        QSignalSpy reconciled(window, &MainWindow::reconciled);
        window->reconcile();
        QVERIFY(reconciled.wait(10000));
    }

    // A setting the service refuses must not leave the program unable to
    // start: the previous settings run again, and the file holds them again.
    void aRefusedSettingRollsBack()
    {
        DesktopFixture fixture;
        Settings changed;
        fixture.setSettingsReader([&](QString *) -> std::optional<Settings> { return changed; });
        QVERIFY2(fixture.start(), qPrintable(fixture.errorText()));
        const QString url = fixture.baseUrl();
        const QString file = fixture.tempPath(QStringLiteral("settings.conf"));
        // A first, good save: the file as it is now is what a rollback restores.
        QSettings(file, QSettings::IniFormat).setValue(QStringLiteral("CHUNK_SIZE"), 700);
        changed = fixture.session()->settings();
        QString none;
        QCOMPARE(applyAndWait(fixture.session(), &none), DesktopSession::ApplyOutcome::Applied);

        changed = fixture.session()->settings();
        changed.apiKeys = QStringLiteral("a-key-without-a-role");
        QSettings(file, QSettings::IniFormat)
            .setValue(QStringLiteral("API_KEYS"), QStringLiteral("a-key-without-a-role"));
        QString error;
        QCOMPARE(applyAndWait(fixture.session(), &error), DesktopSession::ApplyOutcome::RolledBack);
        QVERIFY2(!error.isEmpty(), "the reason is given");
        QVERIFY(fixture.session()->settings().apiKeys.isEmpty());
        QCOMPARE(fixture.baseUrl(), url);
        QCOMPARE(HttpClient(url).get(QStringLiteral("/healthz")).status, 200);
        const QSettings restored(file, QSettings::IniFormat);
        QVERIFY(!restored.contains(QStringLiteral("API_KEYS")));
        QCOMPARE(restored.value(QStringLiteral("CHUNK_SIZE")).toInt(), 700);
        QVERIFY(fixture.window()->isVisible());
    }
};

QTEST_MAIN(TestDesktopSettings)
#include "tst_desktopsettings.moc"
