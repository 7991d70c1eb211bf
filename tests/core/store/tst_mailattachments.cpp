// An e-mail and its attachments written as several documents in one batch
// (core/ingest/attachmentingest.cpp): a job processed twice leaves one copy of
// each, the same mail ingested again by a new job replaces them, and a stale
// attempt's writes are dropped for the attachments as for the mail.
#include "store/knowledgestore.h"
#include "text/hashembedder.h"

#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace aether;

namespace {

const EmbedderInfo kHash{QStringLiteral("hash"), QStringLiteral("hash-v2"), 384};

DocumentWrite writeOf(const QString &jobId, qint64 attempt, const QString &fileName,
                      const QString &text)
{
    DocumentWrite write;
    write.document.jobId = jobId;
    write.document.tenant = QStringLiteral("default");
    write.document.source = QStringLiteral("mail");
    write.document.kind = QStringLiteral("text");
    write.document.fileName = fileName;
    write.document.contentHash = text;
    write.chunks = {Chunk{text, 0, {}, 0, text.size()}};
    write.vectors = {HashEmbedder::embedOne(text)};
    write.attempt = attempt;
    return write;
}

// The mail "inbox.eml" of job `jobId` and its one attachment, as the ingest makes them.
QList<DocumentWrite> mailAndAttachment(const QString &jobId, qint64 attempt, const QString &text,
                                       const QString &mailName = QStringLiteral("inbox.eml"))
{
    DocumentWrite mail = writeOf(jobId, attempt, mailName, text);
    DocumentWrite attachment =
        writeOf(jobId + QStringLiteral("#1"), attempt, QStringLiteral("a.pdf"), text + u'!');
    attachment.document.attachmentIdentity =
        mail.document.identity() + QStringLiteral("#attachment/1/a.pdf");
    return {mail, attachment};
}

void writeAll(KnowledgeStore &store, QList<DocumentWrite> &writes)
{
    QList<DocumentWrite *> batch;
    for (DocumentWrite &write : writes)
        batch.append(&write);
    store.writeBatch(batch);
}

} // namespace

class TestMailAttachments : public QObject
{
    Q_OBJECT

private:
    // A new, empty store file for each test.
    KnowledgeStore &freshStore()
    {
        m_store.reset();
        m_dir = std::make_unique<QTemporaryDir>();
        m_store = std::make_unique<KnowledgeStore>(m_dir->filePath(QStringLiteral("k.db")));
        m_store->open(kHash);
        return *m_store;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<KnowledgeStore> m_store;

private Q_SLOTS:
    void jobProcessedTwiceLeavesOneCopy()
    {
        KnowledgeStore &store = freshStore();
        QList<DocumentWrite> first = mailAndAttachment(QStringLiteral("job-1"), 1, "first");
        writeAll(store, first);
        QVERIFY(!first[0].error && !first[1].error);
        QVERIFY(first[0].documentId != first[1].documentId);
        QCOMPARE(store.documentCount(), 2);
        QList<DocumentWrite> again = mailAndAttachment(QStringLiteral("job-1"), 2, "second");
        writeAll(store, again);
        QVERIFY(!again[0].error && !again[1].error);
        QCOMPARE(store.documentCount(), 2);
        QCOMPARE(store.find(QStringLiteral("default"), again[1].document.identity())->contentHash,
                 QStringLiteral("second!"));
    }

    void sameMailAgainReplacesItsAttachment()
    {
        KnowledgeStore &store = freshStore();
        QList<DocumentWrite> first = mailAndAttachment(QStringLiteral("job-1"), 1, "old");
        writeAll(store, first);
        QList<DocumentWrite> later = mailAndAttachment(QStringLiteral("job-2"), 1, "new");
        writeAll(store, later);
        QCOMPARE(later[1].replacedDocumentId, first[1].documentId);
        QCOMPARE(store.documentCount(), 2);
    }

    void twoMailsKeepTheirSameNamedAttachments()
    {
        KnowledgeStore &store = freshStore();
        QList<DocumentWrite> one = mailAndAttachment(QStringLiteral("job-1"), 1, "one");
        writeAll(store, one);
        QList<DocumentWrite> other =
            mailAndAttachment(QStringLiteral("job-2"), 1, "other", QStringLiteral("other.eml"));
        writeAll(store, other);
        QCOMPARE(other[1].replacedDocumentId, 0);
        QCOMPARE(store.documentCount(), 4);
    }

    void deletingTheMailDeletesItsAttachments()
    {
        KnowledgeStore &store = freshStore();
        QList<DocumentWrite> one = mailAndAttachment(QStringLiteral("job-1"), 1, "one");
        writeAll(store, one);
        QList<DocumentWrite> other =
            mailAndAttachment(QStringLiteral("job-2"), 1, "other", QStringLiteral("other.eml"));
        writeAll(store, other);
        // Another tenant's id is not this tenant's to delete.
        QVERIFY(!store.deleteDocument(QStringLiteral("globex"), one[0].documentId));
        QCOMPARE(store.documentCount(), 4);
        QVERIFY(store.deleteDocument(QStringLiteral("default"), one[0].documentId));
        QCOMPARE(store.documentCount(), 2);
        QVERIFY(!store.find(QStringLiteral("default"), one[1].document.identity()));
        QVERIFY(store.find(QStringLiteral("default"), other[1].document.identity()));
    }

    void staleAttemptLosesTheAttachmentToo()
    {
        KnowledgeStore &store = freshStore();
        QList<DocumentWrite> newer = mailAndAttachment(QStringLiteral("job-1"), 2, "newer");
        writeAll(store, newer);
        QList<DocumentWrite> stale = mailAndAttachment(QStringLiteral("job-1"), 1, "stale");
        writeAll(store, stale);
        QVERIFY(stale[0].error && stale[1].error);
        QVERIFY_THROWS_EXCEPTION(AttemptSuperseded, std::rethrow_exception(stale[1].error));
        QCOMPARE(store.find(QStringLiteral("default"), newer[1].document.identity())->contentHash,
                 QStringLiteral("newer!"));
        QCOMPARE(store.documentCount(), 2);
    }
};

QTEST_GUILESS_MAIN(TestMailAttachments)
#include "tst_mailattachments.moc"
