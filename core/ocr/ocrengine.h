#pragma once

#include <QImage>
#include <QString>
#include <memory>
#include <stdexcept>

namespace tesseract {
class TessBaseAPI;
}

namespace aether {

// The Tesseract languages cannot be loaded (a traineddata file missing).
class OcrUnavailable : public std::runtime_error
{
public:
    explicit OcrUnavailable(const QString &message) : std::runtime_error(message.toStdString()) {}
};

struct RecognisedText
{
    QString text;
    int confidence = 0; // Tesseract's mean word confidence, 0-100
};

// Tesseract (libtesseract, Debian's tesseract-ocr-<lang> data) for one
// thread: each worker owns one, as a TessBaseAPI is not to be shared.
class OcrEngine
{
public:
    // languages: "+"-joined codes ("eng", "eng+deu"). Throws OcrUnavailable
    // naming the Debian package of a language that is not installed.
    explicit OcrEngine(const QString &languages);
    ~OcrEngine();
    OcrEngine(const OcrEngine &) = delete;
    OcrEngine &operator=(const OcrEngine &) = delete;

    RecognisedText recognise(const QImage &image);
    // An encoded image file (PNG, JPEG, TIFF, WebP, GIF); throws
    // OcrUnavailable when it cannot be decoded.
    RecognisedText recogniseEncoded(const QByteArray &bytes);

    // The languages' data are installed (no engine is made).
    static void checkLanguages(const QString &languages);

private:
    RecognisedText readText();

    std::unique_ptr<tesseract::TessBaseAPI> m_api;
};

} // namespace aether
