#pragma once

#include "base/cancellation.h"
#include "extract/extracteddocument.h"
#include "ocr/ocrengine.h"

#include <QByteArray>
#include <QList>
#include <functional>

namespace aether {

struct RecognisedPage
{
    int page = 0;
    int confidence = 0; // 0-100
    bool hasText = false;
};

// Reads the pages of a document that have no text layer with OCR: a PDF's
// scanned pages (rendered by poppler) or an image. Their text joins the
// document's blocks in page order; pagesWithoutText keeps the pages where
// nothing was read. `progress(done, total)` after each page; `cancel` is
// checked between pages. Returns what each page gave.
using PageProgress = std::function<void(int done, int total)>;
QList<RecognisedPage> recognisePages(OcrEngine &engine, ExtractedDocument &document,
                                     const QByteArray &bytes, const CancelToken &cancel,
                                     const PageProgress &progress);

// Pages are rendered at this resolution (what Tesseract reads best), less
// when a large page would pass kMaxRenderedSide pixels.
inline constexpr int kOcrDpi = 300;
inline constexpr int kMaxRenderedSide = 5000;

} // namespace aether
