#include "ui/documentpreview.h"

#include "ui/apiclient.h"

#include <QDesktopServices>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace aether {

namespace {

// The text with a line naming each page or heading where it begins.
QString withSectionLines(const QString &text, const QJsonArray &sections)
{
    QString shown;
    qsizetype from = 0;
    for (const QJsonValue &value : sections) {
        const QJsonObject section = value.toObject();
        const qsizetype offset = qBound<qsizetype>(
            from, section.value(QStringLiteral("offset")).toInteger(), text.size());
        shown += QStringView(text).mid(from, offset - from);
        QStringList place;
        if (section.contains(QStringLiteral("page")))
            place << DocumentPreview::tr("Page %1").arg(
                section.value(QStringLiteral("page")).toInt());
        if (section.contains(QStringLiteral("heading")))
            place << section.value(QStringLiteral("heading")).toString();
        if (!place.isEmpty()) {
            if (!shown.isEmpty() && !shown.endsWith(QLatin1Char('\n')))
                shown += QLatin1Char('\n');
            shown += QStringLiteral("— %1 —\n").arg(place.join(QStringLiteral(" · ")));
        }
        from = offset;
    }
    shown += QStringView(text).mid(from);
    return shown;
}

} // namespace

DocumentPreview::DocumentPreview(ApiClient *api, QWidget *parent)
    : QWidget(parent), m_api(api), m_metadata(new QLabel(this)), m_text(new QPlainTextEdit(this)),
      m_open(new QPushButton(tr("Open source"), this)),
      m_opener([](const QUrl &url) { return QDesktopServices::openUrl(url); })
{
    m_metadata->setWordWrap(true);
    m_metadata->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setReadOnly(true);
    m_text->setObjectName(QStringLiteral("documentText"));
    connect(m_open, &QPushButton::clicked, this, &DocumentPreview::openSource);
    auto *top = new QHBoxLayout;
    top->addWidget(m_metadata, 1);
    top->addWidget(m_open, 0, Qt::AlignTop);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_text, 1);
    clear();
}

void DocumentPreview::clear()
{
    ++m_generation; // an answer still on its way is for nothing shown
    m_document = {};
    m_documentId = 0;
    m_metadata->setText(tr("Select a document to read the text that was stored."));
    m_text->clear();
    m_open->setEnabled(false);
    m_open->setToolTip(tr("Select a document first"));
}

void DocumentPreview::show(const QJsonObject &document)
{
    m_document = document;
    m_documentId = document.value(QStringLiteral("document_id")).toInteger();
    showDescription();
    m_text->setPlainText(tr("Loading the stored text…"));
    QString whyNot;
    const QUrl location = sourceLocation(document, m_lookup, &whyNot);
    m_open->setEnabled(location.isValid());
    m_open->setToolTip(location.isValid() ? location.toDisplayString() : whyNot);
    const int generation = ++m_generation;
    const qint64 id = m_documentId;
    m_api->fetchDocumentText(
        id, kPreviewCharacters, this, [this, generation, id](const ApiAnswer &answer) {
            if (generation != m_generation)
                return; // another document was chosen meanwhile
            if (answer.ok())
                showText(answer.json);
            else
                m_text->setPlainText(tr("The stored text could not be read: %1").arg(answer.error));
            Q_EMIT textShown(id);
        });
}

void DocumentPreview::showText(const QJsonObject &answer)
{
    const QString text = answer.value(QStringLiteral("text")).toString();
    m_text->setPlainText(
        withSectionLines(text, answer.value(QStringLiteral("sections")).toArray()));
    showDescription(
        answer.value(QStringLiteral("truncated")).toBool()
            ? tr(" · the first %1 characters are shown").arg(QLocale().toString(text.size()))
            : QString());
}

// The document's line, then its own metadata on a line of its own.
void DocumentPreview::showDescription(const QString &note)
{
    QString description = documentMetadataLine(m_document) + note;
    if (const QString own = documentOwnMetadata(m_document); !own.isEmpty())
        description += QLatin1Char('\n') + own;
    m_metadata->setText(description);
}

void DocumentPreview::openSource()
{
    QString whyNot;
    const QUrl location = sourceLocation(m_document, m_lookup, &whyNot);
    if (location.isValid() && !m_opener(location))
        m_open->setToolTip(
            tr("Nothing on this computer opened %1").arg(location.toDisplayString()));
}

} // namespace aether
