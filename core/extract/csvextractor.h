#pragma once

#include "extract/extractor.h"

#include <QStringList>

namespace aether {

// CSV and TSV tables: RFC 4180 quoting (delimiters, doubled quotes and line
// breaks inside quoted fields), the delimiter detected among comma, semicolon,
// tab and pipe, the first row taken as the header. Each data row becomes one
// line "Header1: value1; Header2: value2" (empty values left out), a bounded
// number of rows per block so huge files chunk well.
class CsvExtractor : public Extractor
{
public:
    static constexpr qsizetype kRowsPerBlock = 50;

    QString kind() const override { return QStringLiteral("csv"); }
    ExtractedDocument extract(const QByteArray &data, const QString &fileName,
                              const CancelToken &cancel) const override;

    // The delimiter that splits the first lines most consistently; `preferTab`
    // breaks ties (a .tsv file).
    static QChar detectDelimiter(QStringView text, bool preferTab = false);

    // All records of the text, fields unquoted.
    static QList<QStringList> parse(QStringView text, QChar delimiter,
                                    const CancelToken &cancel = CancelToken::never());
};

} // namespace aether
