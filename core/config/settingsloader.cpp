#include "config/settingsloader.h"

#include "config/settingoptions.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QHostAddress>
#include <QSettings>
#include <QThread>

namespace aether {

namespace {

// Where a setting's value comes from: flag beats environment beats settings
// file; nullopt when none sets it.
class SettingSources
{
public:
    SettingSources(const QCommandLineParser &parser, const QProcessEnvironment &environment,
                   const QSettings *file)
        : m_parser(parser), m_environment(environment), m_file(file)
    {}

    struct Found
    {
        QString value;
        const char *origin; // "flag", "environment" or "file"
    };

    std::optional<Found> value(const SettingOption &option) const
    {
        const QString flag = QString::fromLatin1(option.flag);
        if (m_parser.isSet(flag))
            return Found{m_parser.value(flag), "flag"};
        const QString env = option.envName();
        if (m_environment.contains(env))
            return Found{m_environment.value(env), "environment"};
        if (m_file && m_file->contains(env))
            return Found{m_file->value(env).toString(), "file"};
        return std::nullopt;
    }

private:
    const QCommandLineParser &m_parser;
    const QProcessEnvironment &m_environment;
    const QSettings *m_file;
};

// Every option given, in the table's order; the first error wins.
QString readOptions(const SettingSources &sources, Settings &settings)
{
    QString firstError;
    for (const SettingOption &option : settingOptions()) {
        const std::optional<SettingSources::Found> found = sources.value(option);
        if (!found)
            continue;
        settings.origins.insert(option.envName(), QString::fromLatin1(found->origin));
        const QString error = option.write(settings, found->value);
        if (firstError.isEmpty())
            firstError = error;
    }
    return firstError;
}

void addOptions(QCommandLineParser &parser)
{
    for (const SettingOption &option : settingOptions()) {
        parser.addOption(QCommandLineOption(QString::fromLatin1(option.flag),
                                            QString::fromLatin1(option.help) +
                                                QStringLiteral(" [env ") +
                                                QString::fromLatin1(option.env) + QLatin1Char(']'),
                                            QString::fromLatin1(option.valueName)));
    }
    parser.addOption(
        QCommandLineOption(QStringLiteral("no-server"),
                           QStringLiteral("Run workers only, no REST server (scale-out).")));
    parser.addOption(
        QCommandLineOption(QStringLiteral("config"),
                           QStringLiteral("Settings file (INI, keys named like the environment "
                                          "variables). [env AETHER_CONFIG]"),
                           QStringLiteral("file")));
}

} // namespace

bool Settings::listensOnLoopbackOnly() const
{
    return host == QLatin1String("localhost") || QHostAddress(host).isLoopback();
}

// systemd sets INVOCATION_ID for every unit it starts (systemd.exec(5)).
bool Settings::runsAsSystemService() const
{
    if (systemService == QLatin1String("auto"))
        return qEnvironmentVariableIsSet("INVOCATION_ID");
    return systemService == QLatin1String("yes");
}

SettingsLoader::Result SettingsLoader::load(const QStringList &arguments,
                                            const QProcessEnvironment &environment,
                                            const QString &programDescription,
                                            const QString &defaultDataDir,
                                            const QString &defaultConfigFile)
{
    Result result;
    QCommandLineParser parser;
    parser.setApplicationDescription(programDescription);
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    addOptions(parser);
    if (!parser.parse(arguments)) {
        result.message = parser.errorText();
        return result;
    }
    // addHelpOption() also accepts --help-all (help with Qt's own options),
    // which only QCommandLineParser::process() acts on: it must not start the service.
    if (parser.isSet(helpOption) || parser.isSet(QStringLiteral("help-all"))) {
        result.outcome = Outcome::ShowHelp;
        result.message = parser.helpText();
        return result;
    }
    if (parser.isSet(versionOption)) {
        result.outcome = Outcome::ShowVersion;
        result.message = QStringLiteral(AETHER_VERSION);
        return result;
    }
    if (!parser.positionalArguments().isEmpty()) {
        result.message =
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first());
        return result;
    }

    QString configFile = parser.value(QStringLiteral("config"));
    if (configFile.isEmpty())
        configFile = environment.value(QStringLiteral("AETHER_CONFIG"));
    const bool explicitConfig = !configFile.isEmpty();
    if (!explicitConfig)
        configFile = defaultConfigFile;
    if (explicitConfig && !QFileInfo::exists(configFile)) {
        result.message = QStringLiteral("settings file %1 does not exist").arg(configFile);
        return result;
    }
    std::optional<QSettings> file;
    if (!configFile.isEmpty() && QFileInfo::exists(configFile))
        file.emplace(configFile, QSettings::IniFormat);

    Settings &settings = result.settings;
    settings.workers = qMax(1, QThread::idealThreadCount());
    settings.dataDir = defaultDataDir;
    settings.configFile = configFile;
    settings.noServer = parser.isSet(QStringLiteral("no-server"));

    const SettingSources sources(parser, environment, file ? &*file : nullptr);
    QString error = readOptions(sources, settings);
    if (error.isEmpty())
        error = completeSettings(settings);
    if (!error.isEmpty()) {
        result.message = error;
        return result;
    }
    result.outcome = Outcome::Run;
    return result;
}

} // namespace aether
