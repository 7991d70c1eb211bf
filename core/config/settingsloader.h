#pragma once

#include "config/settings.h"

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace aether {

// Builds Settings from command-line flags, environment variables, a settings
// file and defaults, in that order of precedence (README.md "Configuration").
class SettingsLoader
{
public:
    enum class Outcome
    {
        Run,
        ShowHelp,
        ShowVersion,
        Invalid
    };

    struct Result
    {
        Outcome outcome = Outcome::Invalid;
        Settings settings;
        QString message; // help text, version line or error
    };

    // `arguments` includes the program name first, as QCoreApplication::arguments().
    // `defaultDataDir` is used when neither --data-dir nor AETHER_DATA_DIR is set.
    static Result load(const QStringList &arguments, const QProcessEnvironment &environment,
                       const QString &programDescription, const QString &defaultDataDir,
                       const QString &defaultConfigFile);
};

} // namespace aether
