#pragma once

#include "config/settings.h"

#include <QDialog>
#include <QHash>

class QLabel;
class QLineEdit;

namespace aether {

struct SettingOption;

// The settings a person changes most, built from the one option table
// (core/config/settingoptions.h): each shows the value in effect, and saving
// writes the ones changed into the INI file aether-ingestd also reads (keys
// named like the environment variables). A value set by a flag or an
// environment variable is shown but cannot be changed here: the file's would
// be ignored.
class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    // appliedAtOnce: saving restarts the service with the new settings.
    SettingsDialog(Settings inEffect, QString configFile, bool appliedAtOnce,
                   QWidget *parent = nullptr);

    // Writes the changed values; false (with the reason shown) when one is not usable.
    bool save();
    static QString generateKey();
    // Empty when the window can reach the admin routes with these keys.
    static QString windowAccessProblem(const Settings &settings);

    // The editor of a setting, by environment name (tests); null when not shown.
    QWidget *editor(const QString &env) const { return m_editors.value(env); }

private:
    QWidget *createEditor(const SettingOption &option);
    QString withKeptPassword(const QString &redisUrl) const;
    QWidget *keysRow(QWidget *apiKeys);
    QString editorText(const SettingOption &option) const;

    Settings m_inEffect;
    QString m_configFile;
    QHash<QString, QWidget *> m_editors;
    QHash<QString, QString> m_masked; // shown in place of a value that holds a password
    QLabel *m_error;
};

} // namespace aether
