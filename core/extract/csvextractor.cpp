#include "extract/csvextractor.h"

#include "extract/documentbuilder.h"
#include "extract/textdecoder.h"

#include <QFileInfo>

namespace aether {

namespace {

constexpr qsizetype kSampleLines = 20;
constexpr qsizetype kRecordsPerCancelCheck = 1000;
constexpr QChar kCandidates[] = {u',', u';', u'\t', u'|'};

// Delimiter counts per line outside quotes, for the first kSampleLines records.
QList<int> countsPerLine(QStringView text, QChar delimiter)
{
    QList<int> counts{0};
    bool quoted = false;
    for (qsizetype i = 0; i < text.size() && counts.size() <= kSampleLines; ++i) {
        const QChar ch = text[i];
        if (ch == u'"')
            quoted = !quoted;
        else if (!quoted && ch == delimiter)
            ++counts.last();
        else if (!quoted && ch == u'\n')
            counts.append(0);
    }
    if (counts.size() > 1 && counts.last() == 0)
        counts.removeLast(); // the empty line after the final line break
    return counts;
}

// Higher is better: delimiters that appear, the same number of times on every line.
int delimiterScore(const QList<int> &counts)
{
    if (counts.isEmpty() || counts.first() == 0)
        return 0;
    int consistent = 0;
    for (const int count : counts) {
        if (count == counts.first())
            ++consistent;
    }
    return consistent * 1000 / int(counts.size()) * 100 + qMin(counts.first(), 99);
}

QString columnName(const QStringList &header, qsizetype column)
{
    const QString name = column < header.size() ? header[column].simplified() : QString();
    return name.isEmpty() ? QStringLiteral("Column %1").arg(column + 1) : name;
}

QString describeRow(const QStringList &header, const QStringList &record)
{
    QStringList pairs;
    for (qsizetype column = 0; column < record.size(); ++column) {
        // A row is one line: line breaks inside a quoted value become spaces.
        const QString value = record[column].simplified();
        if (!value.isEmpty())
            pairs.append(columnName(header, column) + QStringLiteral(": ") + value);
    }
    return pairs.join(QStringLiteral("; "));
}

bool isBlankRecord(const QStringList &record)
{
    for (const QString &field : record) {
        if (!field.trimmed().isEmpty())
            return false;
    }
    return true;
}

} // namespace

QChar CsvExtractor::detectDelimiter(QStringView text, bool preferTab)
{
    QChar best = preferTab ? QChar(u'\t') : QChar(u',');
    int bestScore = delimiterScore(countsPerLine(text, best));
    for (const QChar candidate : kCandidates) {
        const int score = delimiterScore(countsPerLine(text, candidate));
        if (score > bestScore) {
            best = candidate;
            bestScore = score;
        }
    }
    return best;
}

QList<QStringList> CsvExtractor::parse(QStringView text, QChar delimiter, const CancelToken &cancel)
{
    QList<QStringList> records;
    QStringList record;
    QString field;
    bool quoted = false;
    bool fieldStarted = false; // the record has a field, even an empty one
    const auto endField = [&] {
        record.append(field);
        field.clear();
        fieldStarted = false;
    };
    const auto endRecord = [&] {
        if (fieldStarted || !field.isEmpty() || !record.isEmpty())
            endField();
        if (!record.isEmpty())
            records.append(record);
        record.clear();
        if (records.size() % kRecordsPerCancelCheck == 0)
            cancel.check();
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar ch = text[i];
        if (quoted) {
            if (ch != u'"')
                field += ch;
            else if (i + 1 < text.size() && text[i + 1] == u'"')
                field += text[++i]; // "" is a quote
            else
                quoted = false;
        } else if (ch == u'"' && field.trimmed().isEmpty()) {
            field.clear();
            quoted = true;
            fieldStarted = true;
        } else if (ch == delimiter) {
            endField();
            fieldStarted = true;
        } else if (ch == u'\n') {
            endRecord();
        } else if (ch != u'\r') {
            field += ch;
        }
    }
    endRecord();
    return records;
}

ExtractedDocument CsvExtractor::extract(const QByteArray &data, const QString &fileName,
                                        const CancelToken &cancel) const
{
    cancel.check();
    const QString text = TextDecoder::decode(data);
    const bool tsv = QFileInfo(fileName).suffix().compare(u"tsv", Qt::CaseInsensitive) == 0 ||
                     QFileInfo(fileName).suffix().compare(u"tab", Qt::CaseInsensitive) == 0;
    QList<QStringList> records = parse(text, detectDelimiter(text, tsv), cancel);
    records.removeIf(isBlankRecord);

    DocumentBuilder out(kind(), cancel);
    if (records.size() == 1)
        out.addLine(records.first().join(QStringLiteral("; ")));
    const QStringList header = records.isEmpty() ? QStringList() : records.first();
    for (qsizetype row = 1; row < records.size(); ++row) {
        out.addLine(describeRow(header, records[row]));
        if (row % kRowsPerBlock == 0)
            out.endLines();
    }
    return out.take();
}

} // namespace aether
