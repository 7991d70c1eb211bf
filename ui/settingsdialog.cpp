#include "ui/settingsdialog.h"

#include "config/apikeylist.h"
#include "config/settingoptions.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSettings>
#include <QSpinBox>

namespace aether {

namespace {

using Kind = SettingOption::Kind;

// Why a field cannot be changed here, or empty when it can.
QString overriddenBy(const Settings &settings, const SettingOption &option)
{
    const QString origin = settings.origins.value(option.envName());
    if (origin == QLatin1String("flag"))
        return QObject::tr("Set by --%1 on the command line; the file's value is ignored.")
            .arg(QLatin1String(option.flag));
    if (origin == QLatin1String("environment"))
        return QObject::tr("Set by the environment variable %1; the file's value is ignored.")
            .arg(option.envName());
    return {};
}

} // namespace

SettingsDialog::SettingsDialog(Settings inEffect, QString configFile, bool appliedAtOnce,
                               QWidget *parent)
    : QDialog(parent), m_inEffect(std::move(inEffect)), m_configFile(std::move(configFile)),
      m_error(new QLabel(this))
{
    setWindowTitle(tr("Settings"));
    setMinimumWidth(780);
    QList<const SettingOption *> shown;
    for (const SettingOption &option : settingOptions()) {
        if (option.dialogLabel.isEmpty())
            continue;
        QWidget *editor = createEditor(option);
        m_editors.insert(option.envName(), editor);
        shown.append(&option);
        if (const QString why = overriddenBy(m_inEffect, option); !why.isEmpty()) {
            editor->setEnabled(false);
            editor->setToolTip(why);
        } else {
            editor->setToolTip(QString::fromLatin1(option.help));
        }
    }
    auto *form = new QFormLayout;
    for (const SettingOption *option : std::as_const(shown)) {
        QWidget *editor = m_editors.value(option->envName());
        form->addRow(option->dialogLabel,
                     option->env == QByteArrayView("API_KEYS") ? keysRow(editor) : editor);
    }
    auto *note = new QLabel(
        (appliedAtOnce ? tr("Saving applies these at once: the service restarts behind this "
                            "window, and jobs that are running go back to the queue and "
                            "continue. ")
                       : tr("All of these are read when Aether Ingest starts: restart it to "
                            "apply them. ")) +
            tr("Command-line flags and environment variables override this file (%1).")
                .arg(m_configFile),
        this);
    note->setWordWrap(true);
    m_error->setObjectName(QStringLiteral("settingsError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->hide();
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (save())
            accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
}

QWidget *SettingsDialog::createEditor(const SettingOption &option)
{
    const QString value = option.read(m_inEffect);
    switch (option.kind) {
    case Kind::Number: {
        auto *spin = new QSpinBox(this);
        spin->setRange(option.minimum, option.maximum);
        if (!option.zeroMeans.isEmpty())
            spin->setSpecialValueText(option.zeroMeans);
        spin->setValue(value.toInt());
        return spin;
    }
    case Kind::Flag: {
        auto *check = new QCheckBox(this);
        check->setChecked(value == QLatin1String("1"));
        return check;
    }
    case Kind::Choice: {
        auto *combo = new QComboBox(this);
        combo->addItems(option.choices);
        combo->setCurrentText(value);
        return combo;
    }
    case Kind::Text:
    case Kind::Secret:
        break;
    }
    auto *line = new QLineEdit(value, this);
    // A Redis password is not shown: the field shows "***" in its place and
    // keeps the password unless the whole URL is typed again.
    if (option.env == QByteArrayView("REDIS_URL") && m_inEffect.redis &&
        !m_inEffect.redis->password.isEmpty()) {
        m_masked.insert(option.envName(), m_inEffect.redis->toDisplayString());
        line->setText(m_inEffect.redis->toDisplayString());
    }
    if (option.kind == Kind::Secret)
        line->setEchoMode(QLineEdit::Password);
    if (option.env == QByteArrayView("REDIS_URL"))
        line->setPlaceholderText(tr("empty: a private redis-server"));
    else if (option.env == QByteArrayView("API_KEYS"))
        line->setPlaceholderText(tr("key:role[:tenant],… (empty: development keys)"));
    return line;
}

QString SettingsDialog::editorText(const SettingOption &option) const
{
    QWidget *editor = m_editors.value(option.envName());
    if (auto *spin = qobject_cast<QSpinBox *>(editor))
        return QString::number(spin->value());
    if (auto *check = qobject_cast<QCheckBox *>(editor))
        return check->isChecked() ? QStringLiteral("1") : QStringLiteral("0");
    if (auto *combo = qobject_cast<QComboBox *>(editor))
        return combo->currentText();
    if (auto *line = qobject_cast<QLineEdit *>(editor)) {
        const QString text = line->text().trimmed();
        const auto masked = m_masked.constFind(option.envName());
        if (masked == m_masked.cend())
            return text;
        if (text == *masked)
            return option.read(m_inEffect);
        return withKeptPassword(text);
    }
    return {};
}

QWidget *SettingsDialog::keysRow(QWidget *apiKeys)
{
    auto *keys = qobject_cast<QLineEdit *>(apiKeys);
    auto *admin = qobject_cast<QLineEdit *>(m_editors.value(QStringLiteral("ADMIN_KEY")));
    auto *row = new QWidget(this);
    auto *show = new QPushButton(tr("Show"), row);
    show->setCheckable(true);
    show->setToolTip(tr("Show or hide every key in this dialog"));
    connect(show, &QPushButton::toggled, this, [this](bool on) {
        for (const SettingOption &option : settingOptions()) {
            auto *line = qobject_cast<QLineEdit *>(m_editors.value(option.envName()));
            if (line && option.kind == Kind::Secret)
                line->setEchoMode(on ? QLineEdit::Normal : QLineEdit::Password);
        }
    });
    auto *copy = new QPushButton(tr("Copy"), row);
    copy->setToolTip(tr("Copy the first API key, as a script sends it in x-api-key"));
    connect(copy, &QPushButton::clicked, this, [keys] {
        const QString first = keys->text().section(QLatin1Char(','), 0, 0);
        QApplication::clipboard()->setText(first.section(QLatin1Char(':'), 0, 0).trimmed());
    });
    auto *generate = new QPushButton(tr("Generate"), row);
    generate->setToolTip(tr("A new API key with the admin role, and a new key for x-admin-key"));
    generate->setEnabled(keys->isEnabled());
    connect(generate, &QPushButton::clicked, this, [keys, admin] {
        keys->setText(generateKey() + QStringLiteral(":admin"));
        if (admin && admin->isEnabled())
            admin->setText(generateKey());
    });
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    keys->setMinimumWidth(220); // the buttons beside it must not squeeze the keys out of sight
    layout->addWidget(keys, 1);
    layout->addWidget(show);
    layout->addWidget(copy);
    layout->addWidget(generate);
    return row;
}

// A Redis URL edited around its "***" (another host or db) keeps the password
// it stood for, instead of saving "***" as one.
QString SettingsDialog::withKeptPassword(const QString &text) const
{
    QString error;
    std::optional<RedisUrl> edited = RedisUrl::parse(text, &error);
    if (!edited || edited->password != QLatin1String("***") || !m_inEffect.redis)
        return text;
    edited->password = m_inEffect.redis->password;
    return edited->toUrlString();
}

// The window lists jobs and the queue through the admin routes: a key set
// that leaves it no admin access would leave it blank and refused.
QString SettingsDialog::windowAccessProblem(const Settings &settings)
{
    if (settings.apiKeys.trimmed().isEmpty() || !settings.adminKey.isEmpty())
        return {};
    for (const ApiKeyEntry &entry : apiKeyEntries(settings.apiKeys)) {
        if (entry.role == QLatin1String("admin"))
            return {};
    }
    return tr("This window needs an admin key to show jobs and the queue: give one API key the "
              "admin role (key:admin) or set the admin key.");
}

QString SettingsDialog::generateKey()
{
    QByteArray bytes(24, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()),
                                          bytes.size() / 4);
    return QString::fromLatin1(
        bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

bool SettingsDialog::save()
{
    // Checked first, as the loader will read them: nothing is written unless all are usable.
    QHash<QString, QString> changed;
    Settings check = m_inEffect;
    for (const SettingOption &option : settingOptions()) {
        if (!m_editors.contains(option.envName()) || !m_editors[option.envName()]->isEnabled())
            continue;
        const QString text = editorText(option);
        if (text == option.read(m_inEffect))
            continue;
        if (const QString error = option.write(check, text); !error.isEmpty()) {
            m_error->setText(error);
            m_error->show();
            return false;
        }
        changed.insert(option.envName(), text);
    }
    QString error = completeSettings(check);
    if (error.isEmpty())
        error = windowAccessProblem(check);
    if (!error.isEmpty()) {
        m_error->setText(error);
        m_error->show();
        return false;
    }
    QSettings file(m_configFile, QSettings::IniFormat);
    for (auto it = changed.cbegin(); it != changed.cend(); ++it) {
        if (it.value().isEmpty())
            file.remove(it.key()); // empty means "the default", not an empty value
        else
            file.setValue(it.key(), it.value());
    }
    file.sync();
    // It holds keys (API keys, the embedding service's, Redis's password):
    // readable by its owner only.
    QFile::setPermissions(m_configFile, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return true;
}

} // namespace aether
