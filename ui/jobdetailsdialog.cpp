#include "ui/jobdetailsdialog.h"

#include "ui/apiclient.h"
#include "ui/jobrecord.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace aether {

namespace {

// The whole error (the table shows its first line, elided).
QString errorHtml(const QString &error)
{
    if (error.isEmpty())
        return {};
    return QStringLiteral("<br><span style=\"white-space: pre-wrap\">%1</span>")
        .arg(error.toHtmlEscaped());
}

} // namespace

JobDetailsDialog::JobDetailsDialog(ApiClient *api, QString jobId, QWidget *parent)
    : QDialog(parent), m_api(api), m_jobId(std::move(jobId)), m_summary(new QLabel(this)),
      m_timeline(new QTreeWidget(this)), m_json(new QPlainTextEdit(this))
{
    setWindowTitle(tr("Job %1").arg(m_jobId));
    setAttribute(Qt::WA_DeleteOnClose);
    resize(720, 560);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setWordWrap(true);
    m_timeline->setHeaderLabels({tr("When (UTC)"), tr("What")});
    m_timeline->setRootIsDecorated(false);
    m_timeline->setColumnWidth(0, 190);
    m_json->setReadOnly(true);
    m_json->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_timeline);
    splitter->addWidget(m_json);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *refresh = buttons->addButton(tr("Refresh"), QDialogButtonBox::ActionRole);
    connect(refresh, &QPushButton::clicked, this, &JobDetailsDialog::reload);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(splitter, 1);
    layout->addWidget(buttons);
    m_summary->setText(tr("Loading…"));
    reload();
}

void JobDetailsDialog::reload()
{
    m_api->fetchJob(m_jobId, this, [this](const ApiAnswer &answer) {
        if (!answer.ok()) {
            m_summary->setText(tr("Could not load the job: %1").arg(answer.error));
            return;
        }
        showJob(answer.json);
    });
}

void JobDetailsDialog::showJob(const QJsonObject &job)
{
    const auto text = [&job](const char *key) { return job.value(QLatin1String(key)).toString(); };
    m_summary->setText(
        tr("<b>%1</b> · %2 job · source <i>%3</i> · attempts %4 of %5")
            .arg(jobStateTitle(text("status")), text("type"), text("source").toHtmlEscaped())
            .arg(job.value(QStringLiteral("attempts")).toInt())
            .arg(job.value(QStringLiteral("max_attempts")).toInt()) +
        errorHtml(text("error")));
    m_timeline->clear();
    const auto add = [this](const QString &when, const QString &what) {
        if (!when.isEmpty())
            new QTreeWidgetItem(m_timeline, {when, what});
    };
    add(text("created_at"), tr("created"));
    add(text("enqueued_at"), tr("queued"));
    const QJsonArray history = job.value(QStringLiteral("history")).toArray();
    for (const QJsonValue &entry : history) {
        const QJsonObject attempt = entry.toObject();
        const QString label =
            tr("attempt %1").arg(attempt.value(QStringLiteral("attempt")).toInt());
        add(attempt.value(QStringLiteral("started_at")).toString(), label + tr(" started"));
        QString outcome = attempt.value(QStringLiteral("outcome")).toString();
        const QString error = attempt.value(QStringLiteral("error")).toString();
        if (!error.isEmpty())
            outcome += QStringLiteral(": ") + error;
        add(attempt.value(QStringLiteral("ended_at")).toString(),
            label + QStringLiteral(" ") + outcome);
    }
    if (text("status") == QLatin1String("started"))
        add(text("started_at"), tr("running: %1 %2%")
                                    .arg(text("stage"))
                                    .arg(job.value(QStringLiteral("progress")).toInt()));
    if (!text("retry_at").isEmpty())
        add(text("retry_at"), tr("retry due"));
    add(text("ended_at"), text("status"));
    m_json->setPlainText(QString::fromUtf8(QJsonDocument(job).toJson(QJsonDocument::Indented)));
}

} // namespace aether
