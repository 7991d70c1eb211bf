#include "ui/settingsdialog.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSettings>
#include <QSpinBox>
#include <QThread>

namespace aether {

SettingsDialog::SettingsDialog(QString configFile, bool appliedAtOnce, QWidget *parent)
    : QDialog(parent), m_configFile(std::move(configFile)), m_host(new QLineEdit(this)),
      m_port(new QSpinBox(this)), m_apiKeys(new QLineEdit(this)), m_adminKey(new QLineEdit(this)),
      m_redisUrl(new QLineEdit(this)), m_workers(new QSpinBox(this)),
      m_provider(new QComboBox(this)), m_model(new QLineEdit(this)),
      m_chunkSize(new QSpinBox(this)), m_chunkOverlap(new QSpinBox(this))
{
    setWindowTitle(tr("Settings"));
    m_port->setRange(1, 65535);
    m_workers->setRange(0, 256);
    m_workers->setSpecialValueText(tr("0 (API only)"));
    m_chunkSize->setRange(50, 100000);
    m_chunkOverlap->setRange(0, 50000);
    m_provider->addItems(
        {QStringLiteral("hash"), QStringLiteral("openai"), QStringLiteral("ollama")});
    m_redisUrl->setPlaceholderText(tr("empty: a private redis-server"));
    m_apiKeys->setPlaceholderText(tr("key:role[:tenant],… (empty: development keys)"));
    m_apiKeys->setEchoMode(QLineEdit::Password);
    m_adminKey->setEchoMode(QLineEdit::Password);

    auto *form = new QFormLayout;
    form->addRow(tr("Listen address"), m_host);
    form->addRow(tr("Port"), m_port);
    form->addRow(tr("API keys"), keysRow());
    form->addRow(tr("Admin key"), m_adminKey);
    form->addRow(tr("Redis URL"), m_redisUrl);
    form->addRow(tr("Workers"), m_workers);
    form->addRow(tr("Embedder"), m_provider);
    form->addRow(tr("Embedding model"), m_model);
    form->addRow(tr("Chunk size (chars)"), m_chunkSize);
    form->addRow(tr("Chunk overlap (chars)"), m_chunkOverlap);
    auto *note = new QLabel(
        (appliedAtOnce ? tr("Saving applies these at once: the service restarts in this window, "
                            "and jobs that are running go back to the queue and continue. ")
                       : tr("All of these are read when Aether Ingest starts: restart it to "
                            "apply them. ")) +
            tr("Command-line flags and environment variables override this file (%1).")
                .arg(m_configFile),
        this);
    note->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        save();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
    load();
}

QWidget *SettingsDialog::keysRow()
{
    auto *row = new QWidget(this);
    auto *show = new QPushButton(tr("Show"), row);
    show->setCheckable(true);
    connect(show, &QPushButton::toggled, this, [this](bool on) {
        const QLineEdit::EchoMode mode = on ? QLineEdit::Normal : QLineEdit::Password;
        m_apiKeys->setEchoMode(mode);
        m_adminKey->setEchoMode(mode);
    });
    auto *copy = new QPushButton(tr("Copy"), row);
    connect(copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_apiKeys->text()); });
    auto *generate = new QPushButton(tr("Generate"), row);
    generate->setToolTip(tr("A new admin key, and a new admin key for x-admin-key"));
    connect(generate, &QPushButton::clicked, this, [this] {
        m_apiKeys->setText(generateKey() + QStringLiteral(":admin"));
        m_adminKey->setText(generateKey());
    });
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_apiKeys, 1);
    layout->addWidget(show);
    layout->addWidget(copy);
    layout->addWidget(generate);
    return row;
}

QString SettingsDialog::generateKey()
{
    QByteArray bytes(24, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()),
                                          bytes.size() / 4);
    return QString::fromLatin1(
        bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

void SettingsDialog::load()
{
    const QSettings file(m_configFile, QSettings::IniFormat);
    m_host->setText(
        file.value(QStringLiteral("AETHER_HOST"), QStringLiteral("127.0.0.1")).toString());
    m_port->setValue(file.value(QStringLiteral("AETHER_PORT"), 8000).toInt());
    m_apiKeys->setText(file.value(QStringLiteral("API_KEYS")).toString());
    m_adminKey->setText(file.value(QStringLiteral("ADMIN_KEY")).toString());
    m_redisUrl->setText(file.value(QStringLiteral("REDIS_URL")).toString());
    m_workers->setValue(
        file.value(QStringLiteral("WORKERS"), qMax(1, QThread::idealThreadCount())).toInt());
    m_provider->setCurrentText(
        file.value(QStringLiteral("EMBED_PROVIDER"), QStringLiteral("hash")).toString());
    m_model->setText(file.value(QStringLiteral("EMBED_MODEL")).toString());
    m_chunkSize->setValue(file.value(QStringLiteral("CHUNK_SIZE"), 1000).toInt());
    m_chunkOverlap->setValue(file.value(QStringLiteral("CHUNK_OVERLAP"), 150).toInt());
}

void SettingsDialog::save()
{
    QSettings file(m_configFile, QSettings::IniFormat);
    const auto put = [&file](const char *key, const QVariant &value) {
        const QString name = QString::fromLatin1(key);
        if (value.toString().isEmpty())
            file.remove(name); // empty means "the default", not an empty value
        else
            file.setValue(name, value);
    };
    put("AETHER_HOST", m_host->text().trimmed());
    put("AETHER_PORT", m_port->value());
    put("API_KEYS", m_apiKeys->text().trimmed());
    put("ADMIN_KEY", m_adminKey->text().trimmed());
    put("REDIS_URL", m_redisUrl->text().trimmed());
    put("WORKERS", m_workers->value());
    put("EMBED_PROVIDER", m_provider->currentText());
    put("EMBED_MODEL", m_model->text().trimmed());
    put("CHUNK_SIZE", m_chunkSize->value());
    put("CHUNK_OVERLAP", m_chunkOverlap->value());
    file.sync();
}

} // namespace aether
