#pragma once

#include <QDialog>

class QComboBox;
class QLineEdit;
class QSpinBox;

namespace aether {

// The settings a person changes most, saved with QSettings into the same INI
// file aether-ingestd reads (keys named like the environment variables), so
// both programs agree. Flags and environment variables still win over it.
// Everything here is read at start-up: a restart applies it.
class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    // appliedAtOnce: saving restarts the service with the new settings.
    SettingsDialog(QString configFile, bool appliedAtOnce, QWidget *parent = nullptr);

    void save();
    static QString generateKey();

private:
    void load();
    QWidget *keysRow();

    QString m_configFile;
    QLineEdit *m_host;
    QSpinBox *m_port;
    QLineEdit *m_apiKeys;
    QLineEdit *m_adminKey;
    QLineEdit *m_redisUrl;
    QSpinBox *m_workers;
    QComboBox *m_provider;
    QLineEdit *m_model;
    QSpinBox *m_chunkSize;
    QSpinBox *m_chunkOverlap;
};

} // namespace aether
