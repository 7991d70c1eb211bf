#include "config/apikeylist.h"
#include "config/settingoptions.h"
#include "config/settingsloader.h"

#include <QTemporaryDir>
#include <QTest>

using namespace aether;

class TestSettings : public QObject
{
    Q_OBJECT

private:
    SettingsLoader::Result load(const QStringList &flags, const QProcessEnvironment &env = {},
                                const QString &configFile = {})
    {
        return SettingsLoader::load(QStringList{QStringLiteral("aether-ingestd")} + flags, env,
                                    QStringLiteral("test"), QStringLiteral("/data"), configFile);
    }

    QString writeConfig(const QByteArray &text)
    {
        const QString path = m_dir.filePath(QStringLiteral("aether.conf"));
        QFile file(path);
        file.open(QIODevice::WriteOnly | QIODevice::Truncate);
        file.write(text);
        return path;
    }

    QTemporaryDir m_dir;

private Q_SLOTS:
    // API_KEYS as the window reads it to pick its key: trimmed, roles in any
    // case, the tenant when given, empty entries skipped.
    void apiKeyEntriesAreReadAsWritten()
    {
        const QList<ApiKeyEntry> entries =
            apiKeyEntries(QStringLiteral(" script:Editor:acme ,, desk:ADMIN,bare"));
        QCOMPARE(entries.size(), 3);
        QCOMPARE(entries[0].key, QStringLiteral("script"));
        QCOMPARE(entries[0].role, QStringLiteral("editor"));
        QCOMPARE(entries[0].tenant, QStringLiteral("acme"));
        QCOMPARE(entries[1].key, QStringLiteral("desk"));
        QCOMPARE(entries[1].role, QStringLiteral("admin"));
        QVERIFY(entries[1].tenant.isEmpty());
        QCOMPARE(entries[2].key, QStringLiteral("bare"));
        QVERIFY(entries[2].role.isEmpty());
    }

    void defaultsMatchTheDesign()
    {
        const auto result = load({});
        QCOMPARE(result.outcome, SettingsLoader::Outcome::Run);
        const Settings &s = result.settings;
        QCOMPARE(s.host, QStringLiteral("127.0.0.1"));
        QCOMPARE(s.port, quint16(8000));
        QVERIFY(!s.redis.has_value());
        QCOMPARE(s.databasePath, QStringLiteral("/data/knowledge.db"));
        QCOMPARE(s.embedProvider, QStringLiteral("hash"));
        QCOMPARE(s.embedBatchSize, 64);
        QCOMPARE(s.embedTimeoutSec, 60);
        QCOMPARE(s.workers, qMax(1, QThread::idealThreadCount()));
        QCOMPARE(s.jobTimeoutSec, 600);
        QCOMPARE(s.resultTtlSec, 500);
        QCOMPARE(s.failureTtlSec, 7 * 24 * 3600);
        QCOMPARE(s.maxUploadMb, 100);
        QCOMPARE(s.urlAllowPrivate, false);
        QCOMPARE(s.urlAllowCredentials, false);
        QCOMPARE(s.chunkSize, 1000);
        QCOMPARE(s.chunkOverlap, 150);
        QVERIFY(!s.noServer);
    }

    void flagBeatsEnvironmentBeatsFileBeatsDefault()
    {
        const QString config =
            writeConfig("AETHER_PORT=8100\nWORKERS=3\nRESULT_TTL=50\nJOB_TIMEOUT=90\n");
        QProcessEnvironment env;
        env.insert(QStringLiteral("AETHER_PORT"), QStringLiteral("8200"));
        env.insert(QStringLiteral("WORKERS"), QStringLiteral("5"));
        const auto result = load({QStringLiteral("--port"), QStringLiteral("8300")}, env, config);
        QCOMPARE(result.outcome, SettingsLoader::Outcome::Run);
        QCOMPARE(result.settings.port, quint16(8300));          // flag
        QCOMPARE(result.settings.workers, 5);                   // environment
        QCOMPARE(result.settings.resultTtlSec, 50);             // file
        QCOMPARE(result.settings.jobTimeoutSec, 90);            // file
        QCOMPARE(result.settings.failureTtlSec, 7 * 24 * 3600); // default
    }

    void configFileFromEnvironmentAndMissingExplicitFile()
    {
        const QString config = writeConfig("MAX_UPLOAD_MB=7\n");
        QProcessEnvironment env;
        env.insert(QStringLiteral("AETHER_CONFIG"), config);
        QCOMPARE(load({}, env).settings.maxUploadMb, 7);
        const auto missing =
            load({QStringLiteral("--config"), QStringLiteral("/nonexistent/x.conf")});
        QCOMPARE(missing.outcome, SettingsLoader::Outcome::Invalid);
        QVERIFY(missing.message.contains(QStringLiteral("does not exist")));
    }

    void everyDesignVariableIsRead()
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("AETHER_HOST"), QStringLiteral("0.0.0.0"));
        env.insert(QStringLiteral("REDIS_URL"), QStringLiteral("redis://:pw@redis.local:6390/2"));
        env.insert(QStringLiteral("DATABASE_URL"), QStringLiteral("sqlite:////srv/k.db"));
        env.insert(QStringLiteral("API_KEYS"), QStringLiteral("k1:editor"));
        env.insert(QStringLiteral("ADMIN_KEY"), QStringLiteral("adm"));
        env.insert(QStringLiteral("FAILURE_TTL"), QStringLiteral("60"));
        env.insert(QStringLiteral("URL_ALLOW_PRIVATE"), QStringLiteral("1"));
        env.insert(QStringLiteral("URL_ALLOW_CREDENTIALS"), QStringLiteral("1"));
        env.insert(QStringLiteral("WORKERS"), QStringLiteral("0"));
        env.insert(QStringLiteral("MAX_RECOVERIES"), QStringLiteral("7"));
        const auto result = load({QStringLiteral("--no-server")}, env);
        QCOMPARE(result.outcome, SettingsLoader::Outcome::Run);
        const Settings &s = result.settings;
        QCOMPARE(s.host, QStringLiteral("0.0.0.0"));
        QVERIFY(!s.listensOnLoopbackOnly());
        QCOMPARE(s.redis->host, QStringLiteral("redis.local"));
        QCOMPARE(s.redis->port, 6390);
        QCOMPARE(s.redis->db, 2);
        QCOMPARE(s.redis->password, QStringLiteral("pw"));
        QCOMPARE(s.databasePath, QStringLiteral("/srv/k.db"));
        QCOMPARE(s.apiKeys, QStringLiteral("k1:editor"));
        QCOMPARE(s.adminKey, QStringLiteral("adm"));
        QCOMPARE(s.failureTtlSec, 60);
        QVERIFY(s.urlAllowPrivate);
        QVERIFY(s.urlAllowCredentials);
        QCOMPARE(s.workers, 0);
        QCOMPARE(s.maxRecoveries, 7);
        QVERIFY(s.noServer);
    }

    void embeddingProvidersAndTheirSettings()
    {
        const QString config =
            writeConfig("EMBED_PROVIDER=openai\nEMBED_MODEL=text-embedding-3-small\n"
                        "EMBED_BATCH_SIZE=16\nEMBED_TIMEOUT=30\n");
        QProcessEnvironment env;
        env.insert(QStringLiteral("EMBED_BASE_URL"), QStringLiteral("http://127.0.0.1:8080/v1"));
        env.insert(QStringLiteral("EMBED_API_KEY"), QStringLiteral("sk-test"));
        env.insert(QStringLiteral("EMBED_TIMEOUT"), QStringLiteral("45"));
        const auto openai =
            load({QStringLiteral("--embed-batch-size"), QStringLiteral("128")}, env, config);
        QCOMPARE(openai.outcome, SettingsLoader::Outcome::Run);
        const Settings &s = openai.settings;
        QCOMPARE(s.embedProvider, QStringLiteral("openai"));                  // file
        QCOMPARE(s.embedModel, QStringLiteral("text-embedding-3-small"));     // file
        QCOMPARE(s.embedBaseUrl, QStringLiteral("http://127.0.0.1:8080/v1")); // environment
        QCOMPARE(s.embedApiKey, QStringLiteral("sk-test"));
        QCOMPARE(s.embedBatchSize, 128); // flag
        QCOMPARE(s.embedTimeoutSec, 45); // environment beats file

        // Ollama has a default model; the provider name is not case-sensitive.
        const auto ollama = load({QStringLiteral("--embed-provider"), QStringLiteral("Ollama")});
        QCOMPARE(ollama.outcome, SettingsLoader::Outcome::Run);
        QCOMPARE(ollama.settings.embedProvider, QStringLiteral("ollama"));
    }

    void webhookAndWatchSettings()
    {
        // Lists with commas are quoted in the INI file (QSettings splits bare ones).
        const QString config =
            writeConfig("WEBHOOK_URLS=\"k1=https://a.example/h,k2=https://b.example\"\n"
                        "WEBHOOK_SECRET=shared\n"
                        "WATCH_FOLDERS=\"/srv/notes|notes|*.md *.txt\"\n");
        QProcessEnvironment env;
        env.insert(QStringLiteral("WEBHOOK_RETRY_BASE_MS"), QStringLiteral("250"));
        const auto result =
            load({QStringLiteral("--watch-rescan"), QStringLiteral("5")}, env, config);
        QCOMPARE(result.outcome, SettingsLoader::Outcome::Run);
        QCOMPARE(result.settings.webhookUrls,
                 QStringLiteral("k1=https://a.example/h,k2=https://b.example"));
        QCOMPARE(result.settings.webhookSecret, QStringLiteral("shared"));
        QCOMPARE(result.settings.webhookRetryBaseMs, 250);
        QCOMPARE(result.settings.watchFolders, QStringLiteral("/srv/notes|notes|*.md *.txt"));
        QCOMPARE(result.settings.watchRescanSec, 5);
        QCOMPARE(load({QStringLiteral("--watch-rescan"), QStringLiteral("0")}).outcome,
                 SettingsLoader::Outcome::Invalid);
    }

    void watchRootsAreReadAndUnsetIsTheProgramsDefault()
    {
        QVERIFY(!load({}).settings.watchRoots.has_value());
        QProcessEnvironment env;
        env.insert(QStringLiteral("WATCH_ROOTS"), QStringLiteral(" /srv/shared,tenA=/srv/a "));
        QCOMPARE(load({}, env).settings.watchRoots.value_or(QStringLiteral("unset")),
                 QStringLiteral("/srv/shared,tenA=/srv/a"));
        // Set and empty: no roots, which is not the same as unset.
        QCOMPARE(load({QStringLiteral("--watch-roots"), QString()})
                     .settings.watchRoots.value_or(QStringLiteral("unset")),
                 QString());
    }

    void openaiWithoutModelIsRefused()
    {
        const auto result = load({QStringLiteral("--embed-provider"), QStringLiteral("openai")});
        QCOMPARE(result.outcome, SettingsLoader::Outcome::Invalid);
        QCOMPARE(result.message, QStringLiteral("EMBED_MODEL is required for the openai provider"));
    }

    void invalidValuesAreClearErrors_data()
    {
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("port text") << "AETHER_PORT"
                                   << "eighty"
                                   << "AETHER_PORT must be a whole number";
        QTest::newRow("port range") << "AETHER_PORT"
                                    << "70000"
                                    << "from 1 to 65535";
        QTest::newRow("workers negative") << "WORKERS"
                                          << "-1"
                                          << "WORKERS";
        QTest::newRow("redis scheme") << "REDIS_URL"
                                      << "http://x"
                                      << "redis://";
        QTest::newRow("database") << "DATABASE_URL"
                                  << "postgres://x"
                                  << "sqlite:///";
        QTest::newRow("allow private") << "URL_ALLOW_PRIVATE"
                                       << "maybe"
                                       << "0 or 1";
        QTest::newRow("allow credentials") << "URL_ALLOW_CREDENTIALS"
                                           << "yes please"
                                           << "0 or 1";
        QTest::newRow("provider")
            << "EMBED_PROVIDER"
            << "nope"
            << "EMBED_PROVIDER must be one of hash, openai, ollama, not 'nope'";
        QTest::newRow("ocr") << "OCR"
                             << "sometimes"
                             << "OCR must be auto or off, not 'sometimes'";
        QTest::newRow("ocr langs") << "OCR_LANGS"
                                   << "eng;rm -rf"
                                   << "OCR_LANGS must be Tesseract language codes";
        QTest::newRow("batch size zero")
            << "EMBED_BATCH_SIZE"
            << "0"
            << "EMBED_BATCH_SIZE must be a whole number from 1 to 2048";
        QTest::newRow("batch size large") << "EMBED_BATCH_SIZE"
                                          << "4096"
                                          << "from 1 to 2048";
        QTest::newRow("embed timeout") << "EMBED_TIMEOUT"
                                       << "soon"
                                       << "EMBED_TIMEOUT must be a whole number";
        QTest::newRow("host") << "AETHER_HOST"
                              << "not a host"
                              << "AETHER_HOST";
    }
    void invalidValuesAreClearErrors()
    {
        QFETCH(QString, variable);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        QProcessEnvironment env;
        env.insert(variable, value);
        const auto result = load({}, env);
        QCOMPARE(result.outcome, SettingsLoader::Outcome::Invalid);
        QVERIFY2(result.message.contains(expected), qPrintable(result.message));
    }

    void helpAndVersion()
    {
        const auto help = load({QStringLiteral("--help")});
        QCOMPARE(help.outcome, SettingsLoader::Outcome::ShowHelp);
        for (const char *word : {"--redis-url", "REDIS_URL", "--no-server", "WORKERS",
                                 "MAX_UPLOAD_MB", "EMBED_BATCH_SIZE", "EMBED_TIMEOUT", "ollama"})
            QVERIFY2(help.message.contains(QLatin1String(word)), word);
        const auto version = load({QStringLiteral("--version")});
        QCOMPARE(version.outcome, SettingsLoader::Outcome::ShowVersion);
        QCOMPARE(version.message, QStringLiteral(AETHER_VERSION));
        QCOMPARE(load({QStringLiteral("--bogus")}).outcome, SettingsLoader::Outcome::Invalid);
        QVERIFY(help.message.contains(QLatin1String("WATCH_ROOTS")));
    }

    // One table drives the loader, --help and the dialog: every option is in
    // the help, and each writes and reads back its own field of Settings (two
    // options sharing a field would read back the other's value).
    void everyOptionReadsBackItsOwnValue()
    {
        const auto sample = [](const SettingOption &option, int index) -> QString {
            switch (option.kind) {
            case SettingOption::Kind::Number:
                return QString::number(qMin(option.maximum, option.minimum + 1 + index));
            case SettingOption::Kind::Flag:
                return QStringLiteral("1");
            case SettingOption::Kind::Choice:
                return option.choices.last();
            default:
                break;
            }
            const QString env = option.envName();
            if (env == QLatin1String("AETHER_HOST"))
                return QStringLiteral("10.0.0.1");
            if (env == QLatin1String("REDIS_URL"))
                return QStringLiteral("redis://:pw@example.org:6380/2");
            if (env == QLatin1String("DATABASE_URL"))
                return QStringLiteral("sqlite:///srv/aether/store.db");
            if (env == QLatin1String("OCR_LANGS"))
                return QStringLiteral("eng+deu");
            return QStringLiteral("value-%1").arg(index);
        };
        Settings settings;
        const QList<SettingOption> &options = settingOptions();
        for (int i = 0; i < options.size(); ++i)
            QCOMPARE(options[i].write(settings, sample(options[i], i)), QString());
        const auto help = load({QStringLiteral("--help")});
        for (int i = 0; i < options.size(); ++i) {
            QCOMPARE(options[i].read(settings), sample(options[i], i));
            QVERIFY2(help.message.contains(QLatin1String(options[i].env)), options[i].env);
            QCOMPARE(findSettingOption(options[i].envName()), &options[i]);
        }
        // What the desktop dialog offers (the review asked for URL access and the embedder).
        for (const char *env : {"AETHER_PORT", "URL_ALLOW_PRIVATE", "URL_ALLOW_HOSTS",
                                "EMBED_BASE_URL", "EMBED_API_KEY", "CHUNK_SIZE"})
            QVERIFY2(!findSettingOption(QString::fromLatin1(env))->dialogLabel.isEmpty(), env);
    }

    void theOriginOfEachGivenSettingIsKept()
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("WORKERS"), QStringLiteral("3"));
        const auto loaded = load({QStringLiteral("--port"), QStringLiteral("9001")}, env,
                                 writeConfig("CHUNK_SIZE=800\nWORKERS=5\n"));
        QCOMPARE(loaded.outcome, SettingsLoader::Outcome::Run);
        QCOMPARE(loaded.settings.origins.value(QStringLiteral("AETHER_PORT")),
                 QStringLiteral("flag"));
        QCOMPARE(loaded.settings.origins.value(QStringLiteral("WORKERS")),
                 QStringLiteral("environment"));
        QCOMPARE(loaded.settings.origins.value(QStringLiteral("CHUNK_SIZE")),
                 QStringLiteral("file"));
        QVERIFY(!loaded.settings.origins.contains(QStringLiteral("RESULT_TTL")));
        QCOMPARE(loaded.settings.workers, 3);
    }

    // QCommandLineParser accepts --help-all with the help option; it must show
    // help, not start the service.
    void helpAllShowsHelp()
    {
        const auto help = load({QStringLiteral("--help-all")});
        QCOMPARE(help.outcome, SettingsLoader::Outcome::ShowHelp);
        QVERIFY(help.message.contains(QLatin1String("--redis-url")));
    }
};

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"
