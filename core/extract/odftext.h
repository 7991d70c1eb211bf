#pragma once

#include "extract/sheetrow.h"

#include <QXmlStreamReader>

// Reading the text of OpenDocument content.xml, shared by the .odt, .ods and
// .odp extractors.
namespace aether::odftext {

// Copies of a repeated non-empty cell or row that are kept; files repeat empty
// cells to the end of the sheet (16384 columns, a million rows) and real content
// is rarely repeated more than a few times.
constexpr int kMaxRepeat = 100;

// At <text:p> or <text:h>: its text, with <text:s/> spaces, tabs and line
// breaks, and without footnotes, comments and tracked deletions.
QString readParagraph(QXmlStreamReader &xml);

// At <table:table-row>: its cells into `row` (a cell's paragraphs joined with
// spaces); returns how often the row repeats (table:number-rows-repeated, >= 1).
int readTableRow(QXmlStreamReader &xml, SheetRow &row);

// Elements whose text is not part of the document's reading text.
bool isSkipped(const QXmlStreamReader &xml);

} // namespace aether::odftext
