// aether-bench-store-ceiling <corpus-dir> [work-dir] [--fts-detail full|column|none]
//                            [--vectors float16|float32|int8]
//
// What the knowledge store can take at most, for the end-to-end benchmark
// (bench/ingest.sh) to be measured against: every file of the corpus is read,
// chunked (the pipeline's default Chunker) and embedded (HashEmbedder) first,
// untimed; then the documents, chunks (with their FTS5 index entries) and
// vectors (float16, as a new store keeps them) are inserted into a new store of the same schema,
// pragmas and log checkpointer by one writer with the store's prepared statements, N chunks a
// transaction, for several N. Prints each N's MB/s (corpus bytes over insert
// time) and chunks/s, and the best as "RESULT store_ceiling ...". With
// --fts-detail, the FTS5 index is made again with that `detail` option first
// (phrase queries need "full", today's): what a smaller index would gain.
// With --vectors float32, vectors as stores made before schema 7 keep them;
// with --vectors int8, as 384 int8 values and a float scale: what still more
// compact vectors would gain.
#include "store/knowledgestore.h"
// The store's own statements and vector encoding, so the ceiling inserts
// exactly the rows the pipeline inserts.
#include "store/storestatements.h"
#include "store/vectorencoding.h"
#include "store/walcheckpointer.h"
#include "text/chunker.h"
#include "text/hashembedder.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

using namespace aether;

namespace {

struct PreparedDocument
{
    QString name;
    QString hash;
    qint64 bytes = 0;
    qint64 characters = 0;
    QList<Chunk> chunks;
    QList<QByteArray> vectors; // blobs as a new store keeps them (float16), or as asked
};

// 384 int8 values scaled by the largest magnitude, then that scale (float32).
QByteArray int8Blob(const Vector &vector)
{
    float largest = 0;
    for (const float value : vector)
        largest = std::max(largest, std::abs(value));
    const float scale = largest > 0 ? largest / 127.0f : 1.0f;
    QByteArray blob(vector.size() + qsizetype(sizeof(float)), Qt::Uninitialized);
    for (qsizetype i = 0; i < vector.size(); ++i)
        blob[i] = char(qRound(vector[i] / scale));
    std::memcpy(blob.data() + vector.size(), &scale, sizeof scale);
    return blob;
}

// A vector's blob in `format`: "float16" (new stores), "float32" (stores made
// before schema 7) or "int8" (a probe of how much smaller could give).
QByteArray vectorBlobIn(const QString &format, const Vector &vector)
{
    if (format == QLatin1String("int8"))
        return int8Blob(vector);
    return vectorencoding::encode(vector, format == QLatin1String("float32")
                                              ? VectorEncoding::Float32
                                              : VectorEncoding::Float16);
}

QList<PreparedDocument> prepareCorpus(const QString &directory, const QString &vectorFormat,
                                      qint64 *totalBytes)
{
    QList<PreparedDocument> documents;
    const Chunker chunker;
    const QStringList names = QDir(directory).entryList(QDir::Files, QDir::Name);
    for (const QString &name : names) {
        QFile file(QDir(directory).filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QByteArray bytes = file.readAll();
        PreparedDocument document;
        document.name = name;
        document.bytes = bytes.size();
        document.hash = QString::fromLatin1(
            QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
        const QString text = QString::fromUtf8(bytes);
        document.characters = text.size();
        document.chunks = chunker.split(text);
        for (const Chunk &chunk : document.chunks) {
            const Vector vector = HashEmbedder::embedOne(chunk.text);
            document.vectors.append(vectorBlobIn(vectorFormat, vector));
        }
        *totalBytes += bytes.size();
        documents.append(std::move(document));
    }
    return documents;
}

void mustRun(QSqlQuery &query)
{
    if (!query.exec()) {
        std::fprintf(stderr, "SQL failed: %s\n", qPrintable(query.lastError().text()));
        std::exit(1);
    }
}

// Inserts every document into a new store at `path`, committing every
// `chunksPerTransaction` chunks (at document boundaries); the seconds it took.
// The FTS5 table of the schema made again with detail=`detail`.
void remakeFtsIndex(QSqlDatabase &db, const QString &detail)
{
    QSqlQuery query(db);
    for (const QString &statement :
         {QStringLiteral("DROP TABLE chunks_fts"),
          QStringLiteral("CREATE VIRTUAL TABLE chunks_fts USING fts5(text, content='chunks', "
                         "content_rowid='id', tokenize='porter unicode61', detail=%1)")
              .arg(detail)}) {
        if (!query.exec(statement)) {
            std::fprintf(stderr, "SQL failed: %s\n", qPrintable(query.lastError().text()));
            std::exit(1);
        }
    }
}

double insertAll(const QString &path, const QList<PreparedDocument> &documents,
                 int chunksPerTransaction, const QString &ftsDetail)
{
    {
        KnowledgeStore schema(path); // the schema, migrations and meta rows
        schema.open({QStringLiteral("hash"), QStringLiteral("hash-v3"), HashEmbedder::kDimension});
    }
    const QString connection = QStringLiteral("ceiling");
    double seconds = 0;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(path);
        db.open();
        QSqlQuery pragma(db);
        for (const char *statement :
             {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON",
              "PRAGMA wal_autocheckpoint=0", "PRAGMA journal_size_limit=67108864"})
            pragma.exec(QString::fromLatin1(statement));
        if (ftsDetail != QLatin1String("full"))
            remakeFtsIndex(db, ftsDetail);
        QSqlQuery insertDocument(db), insertChunk(db), indexChunkText(db), insertVector(db),
            begin(db), commit(db);
        insertDocument.prepare(kInsertDocument);
        insertChunk.prepare(kInsertChunk);
        indexChunkText.prepare(kIndexChunkText);
        insertVector.prepare(kInsertVector);
        begin.prepare(QStringLiteral("BEGIN IMMEDIATE"));
        commit.prepare(QStringLiteral("COMMIT"));
        const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);

        // As in the store: the log is copied by a thread of its own.
        const std::shared_ptr<WalCheckpointer> checkpointer = WalCheckpointer::forStore(path);
        QElapsedTimer timer;
        timer.start();
        mustRun(begin);
        int inTransaction = 0;
        qint64 documentId = 0;
        for (const PreparedDocument &document : documents) {
            const QVariantList values{++documentId,
                                      QVariant(),
                                      QStringLiteral("bench"),
                                      QStringLiteral("bench"),
                                      QStringLiteral("text"),
                                      document.name,
                                      QVariant(),
                                      QVariant(),
                                      document.hash,
                                      document.bytes,
                                      document.characters,
                                      qint64(document.chunks.size()),
                                      now,
                                      QString(QStringLiteral("file:bench/") + document.name),
                                      QVariant(),
                                      QVariant(),
                                      QVariant()};
            for (int i = 0; i < values.size(); ++i)
                insertDocument.bindValue(i, values[i]);
            mustRun(insertDocument);
            for (qsizetype c = 0; c < document.chunks.size(); ++c) {
                const Chunk &chunk = document.chunks[c];
                insertChunk.bindValue(0, documentId);
                insertChunk.bindValue(1, int(c));
                insertChunk.bindValue(2, chunk.text);
                insertChunk.bindValue(3, QVariant());
                insertChunk.bindValue(4, QVariant());
                insertChunk.bindValue(5, qlonglong(chunk.start));
                insertChunk.bindValue(6, qlonglong(chunk.end));
                mustRun(insertChunk);
                const QVariant chunkId = insertChunk.lastInsertId();
                indexChunkText.bindValue(0, chunkId);
                indexChunkText.bindValue(1, chunk.text);
                mustRun(indexChunkText);
                insertVector.bindValue(0, chunkId);
                insertVector.bindValue(1, document.vectors[c]);
                mustRun(insertVector);
            }
            inTransaction += int(document.chunks.size());
            if (inTransaction >= chunksPerTransaction) {
                mustRun(commit);
                mustRun(begin);
                inTransaction = 0;
            }
        }
        mustRun(commit);
        seconds = timer.nsecsElapsed() / 1e9;
    }
    QSqlDatabase::removeDatabase(connection);
    return seconds;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QStringList arguments = app.arguments().mid(1);
    QString ftsDetail = QStringLiteral("full");
    const qsizetype detailAt = arguments.indexOf(QStringLiteral("--fts-detail"));
    if (detailAt >= 0 && detailAt + 1 < arguments.size()) {
        ftsDetail = arguments.at(detailAt + 1);
        arguments.remove(detailAt, 2);
    }
    QString vectorFormat = QStringLiteral("float16");
    const qsizetype vectorsAt = arguments.indexOf(QStringLiteral("--vectors"));
    if (vectorsAt >= 0 && vectorsAt + 1 < arguments.size()) {
        vectorFormat = arguments.at(vectorsAt + 1);
        arguments.remove(vectorsAt, 2);
    }
    const QStringList details{QStringLiteral("full"), QStringLiteral("column"),
                              QStringLiteral("none")};
    const QStringList formats{QStringLiteral("float16"), QStringLiteral("float32"),
                              QStringLiteral("int8")};
    if (arguments.isEmpty() || !details.contains(ftsDetail) || !formats.contains(vectorFormat)) {
        std::fputs("usage: aether-bench-store-ceiling <corpus-dir> [work-dir] "
                   "[--fts-detail full|column|none] [--vectors float16|float32|int8]\n",
                   stderr);
        return 2;
    }
    const QString corpus = arguments.at(0);
    QTemporaryDir scratch((arguments.size() > 1 ? arguments.at(1) : QDir::tempPath()) +
                          QStringLiteral("/ceiling-XXXXXX"));
    qint64 bytes = 0;
    const QList<PreparedDocument> documents = prepareCorpus(corpus, vectorFormat, &bytes);
    qint64 chunks = 0;
    for (const PreparedDocument &document : documents)
        chunks += document.chunks.size();
    if (chunks == 0) {
        std::fprintf(stderr, "no text in %s\n", qPrintable(corpus));
        return 1;
    }
    std::printf("corpus: %lld files, %.1f MB, %lld chunks (chunked and embedded beforehand); "
                "FTS5 detail=%s, %s vectors\n",
                qlonglong(documents.size()), bytes / 1e6, qlonglong(chunks), qPrintable(ftsDetail),
                qPrintable(vectorFormat));
    double best = 0;
    int bestSize = 0;
    for (const int size : {100, 500, 2000, 10000}) {
        const QString path = scratch.filePath(QStringLiteral("store-%1.db").arg(size));
        const double seconds = insertAll(path, documents, size, ftsDetail);
        const double rate = bytes / 1e6 / seconds;
        std::printf("  %5d chunks a transaction: %.2f s, %.1f MB/s, %.0f chunks/s\n", size, seconds,
                    rate, chunks / seconds);
        if (rate > best) {
            best = rate;
            bestSize = size;
        }
    }
    std::printf("RESULT store_ceiling mb_per_s=%.2f chunks_per_transaction=%d chunks=%lld\n", best,
                bestSize, qlonglong(chunks));
    return 0;
}
