#pragma once

#include "config/settings.h"

#include <QList>
#include <QStringList>
#include <functional>

namespace aether {

// One setting: its command-line flag, its environment variable (also its key
// in the settings file), its help line, what kind of value it takes, and how
// it is read from and written into Settings. One table (settingOptions())
// drives the loader, --help, and the desktop's settings dialog with its
// defaults, so none of them repeats a name, a range or a default.
struct SettingOption
{
    enum class Kind
    {
        Text,
        Secret, // text never shown unasked (keys)
        Number,
        Flag, // 0 | 1
        Choice
    };

    const char *flag = nullptr;
    const char *env = nullptr;
    const char *valueName = nullptr;
    const char *help = nullptr;
    Kind kind = Kind::Text;
    int minimum = 0; // Number
    int maximum = 0;
    QStringList choices; // Choice
    QString dialogLabel; // shown in the settings dialog; empty: not there
    QString zeroMeans;   // Number: what 0 means, for the dialog ("API only")
    // The value in effect as the settings file would hold it ("" for unset).
    std::function<QString(const Settings &)> read;
    // Sets it from text; an error message (naming `env`) when the text is not usable.
    std::function<QString(Settings &, const QString &)> write;

    QString envName() const { return QString::fromLatin1(env); }
};

const QList<SettingOption> &settingOptions();
// What depends on more than one setting, once all are read: the default store
// path, and the checks across settings; an error message, or empty.
QString completeSettings(Settings &settings);
// nullptr for a name that is no setting.
const SettingOption *findSettingOption(QStringView env);

} // namespace aether
