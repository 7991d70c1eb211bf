// An e-mail's attachments as documents of their own. The design (see
// docs/ARCHITECTURE.md, "An e-mail's path"): the extractor hands back the raw
// attached files (core/extract/emlextractor.h); each one the extractor registry
// can read becomes a DocumentWrite beside the mail's, in the same writeBatch
// transaction, with
//  - a derived job id "<job_id>#<n>": documents.job_id is unique, and a job
//    processed twice replaces its own earlier rows, attachments included;
//  - the mail's fencing token: an attempt that lost its lease loses the
//    attachments' writes too (job_attempts rows of "<job_id>#<n>");
//  - the identity "<mail identity>#attachment/<n>/<name>": re-ingesting the
//    same mail replaces its attachments.
#include "ingest/attachmentingest.h"

#include "base/ingesterror.h"
#include "ingest/ingestjobhandler.h"
#include "store/documentmetadata.h"

#include <QCryptographicHash>

namespace aether {

namespace {

QString attachmentName(const EmailAttachment &attachment, int number)
{
    return attachment.fileName.isEmpty() ? QStringLiteral("attachment-%1").arg(number)
                                         : attachment.fileName;
}

QJsonObject skippedEntry(const QString &name, const QString &reason)
{
    return {{QStringLiteral("name"), name}, {QStringLiteral("skipped"), reason}};
}

} // namespace

QList<DocumentWrite> IngestJobHandler::prepareAttachments(const Input &mail,
                                                          const DocumentWrite &mailWrite,
                                                          const JobContext &job,
                                                          QJsonArray &skipped)
{
    QList<DocumentWrite> writes;
    const QList<EmailAttachment> &attachments = mail.document.attachments;
    for (qsizetype i = 0; i < attachments.size(); ++i) {
        job.cancel.check();
        const int number = int(i + 1);
        const QString name = attachmentName(attachments[i], number);
        Input input;
        try {
            input.document = m_extractors.extract(attachments[i].data, name,
                                                  attachments[i].contentType, job.cancel);
            input.bytes = attachments[i].data;
            readPagesWithoutText(input, job); // an attached scan or photo
        } catch (const IngestError &error) {
            skipped.append(skippedEntry(name, error.toString()));
            continue;
        }
        input.document.attachments.clear(); // an attached mail's own files stay inside it
        if (input.document.isEmpty()) {
            skipped.append(skippedEntry(name, QStringLiteral("EmptyDocument: no text found")));
            continue;
        }
        DocumentWrite write;
        DocumentRecord &record = write.document;
        record.jobId = mailWrite.document.jobId + u'#' + QString::number(number);
        record.tenant = mailWrite.document.tenant;
        record.source = mailWrite.document.source;
        record.kind = input.document.kind;
        record.fileName = name;
        record.title = name;
        record.attachmentIdentity = mailWrite.document.identity() +
                                    QStringLiteral("#attachment/%1/%2").arg(number).arg(name);
        record.contentHash = QString::fromLatin1(
            QCryptographicHash::hash(attachments[i].data, QCryptographicHash::Sha256).toHex());
        record.sizeBytes = attachments[i].data.size();
        QJsonObject own = QJsonObject::fromVariantMap(input.document.metadata);
        own.insert(QStringLiteral("attached_to"), mailWrite.document.title);
        if (const QJsonValue from = mailWrite.document.metadata.value(QStringLiteral("from"));
            from.isString())
            own.insert(QStringLiteral("email_from"), from);
        record.metadata = metadata::merged(own.toVariantMap(), {});
        for (const TextBlock &block : input.document.blocks)
            record.textChars += block.text.size();
        write.cancel = &job.cancel;
        write.attempt = mailWrite.attempt;
        write.chunks = m_chunker.split(input.document, job.cancel);
        write.vectors = embedAll(write.chunks, job);
        writes.append(write);
    }
    return writes;
}

QJsonArray attachmentResults(const QList<DocumentWrite> &written, const QJsonArray &skipped)
{
    QJsonArray results;
    for (const DocumentWrite &write : written) {
        QJsonObject entry{{QStringLiteral("name"), write.document.fileName},
                          {QStringLiteral("kind"), write.document.kind}};
        if (write.error) {
            entry.insert(QStringLiteral("error"), QStringLiteral("not stored"));
        } else {
            entry.insert(QStringLiteral("document_id"), write.documentId);
            entry.insert(QStringLiteral("chunks"), write.duplicate ? 0 : write.chunks.size());
        }
        results.append(entry);
    }
    for (const QJsonValue &entry : skipped)
        results.append(entry);
    return results;
}

} // namespace aether
