#include "ocr/ocrengine.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStringList>
#include <leptonica/allheaders.h>
#include <mutex>
#include <tesseract/baseapi.h>

namespace aether {

namespace {

// Tesseract's own OpenMP threads would fight the worker threads for the same
// cores: the workers are the parallelism, each page is recognised on one core.
void limitTesseractThreads()
{
    static std::once_flag once;
    std::call_once(once, [] {
        if (!qEnvironmentVariableIsSet("OMP_THREAD_LIMIT"))
            qputenv("OMP_THREAD_LIMIT", "1");
    });
}

// Where Tesseract looks for <lang>.traineddata: TESSDATA_PREFIX, else the
// directories Debian's tesseract-ocr-* packages fill.
QStringList dataDirectories()
{
    QStringList directories;
    if (const QString prefix = qEnvironmentVariable("TESSDATA_PREFIX"); !prefix.isEmpty())
        directories << prefix << QDir(prefix).filePath(QStringLiteral("tessdata"));
    directories << QStringLiteral("/usr/share/tesseract-ocr/5/tessdata")
                << QStringLiteral("/usr/share/tesseract-ocr/4.00/tessdata");
    return directories;
}

QString dataDirectoryFor(const QString &language)
{
    for (const QString &directory : dataDirectories()) {
        if (QFileInfo::exists(QDir(directory).filePath(language + QStringLiteral(".traineddata"))))
            return directory;
    }
    return {};
}

// Tesseract wants 8-bit grey or 32-bit colour: grey is smallest and enough.
QImage greyscale(const QImage &image)
{
    return image.format() == QImage::Format_Grayscale8
               ? image
               : image.convertToFormat(QImage::Format_Grayscale8);
}

} // namespace

void OcrEngine::checkLanguages(const QString &languages)
{
    for (const QString &language : languages.split(QLatin1Char('+'), Qt::SkipEmptyParts)) {
        if (dataDirectoryFor(language).isEmpty())
            throw OcrUnavailable(
                QStringLiteral("OCR language '%1' is not installed (apt install tesseract-ocr-%2); "
                               "set OCR_LANGS to installed ones or OCR=off")
                    .arg(language, QString(language).replace(QLatin1Char('_'), QLatin1Char('-'))));
    }
}

OcrEngine::OcrEngine(const QString &languages) : m_api(std::make_unique<tesseract::TessBaseAPI>())
{
    checkLanguages(languages);
    limitTesseractThreads();
    const QString first = languages.section(QLatin1Char('+'), 0, 0);
    const QByteArray directory = QFile::encodeName(dataDirectoryFor(first));
    if (m_api->Init(directory.constData(), languages.toLatin1().constData(),
                    tesseract::OEM_LSTM_ONLY) != 0)
        throw OcrUnavailable(QStringLiteral("Tesseract could not load '%1'").arg(languages));
    // A page as a whole: columns and paragraphs found by the engine.
    m_api->SetPageSegMode(tesseract::PSM_AUTO);
}

OcrEngine::~OcrEngine()
{
    if (m_api)
        m_api->End();
}

RecognisedText OcrEngine::recognise(const QImage &image)
{
    const QImage grey = greyscale(image);
    if (grey.isNull() || grey.width() < 4 || grey.height() < 4)
        return {};
    m_api->SetImage(grey.constBits(), grey.width(), grey.height(), 1, int(grey.bytesPerLine()));
    // Resolution for the engine's size heuristics; a rendered page knows it.
    const int dpi = grey.dotsPerMeterX() > 0 ? qRound(grey.dotsPerMeterX() * 0.0254) : 300;
    m_api->SetSourceResolution(qBound(70, dpi, 1200));
    return readText();
}

// Leptonica decodes PNG, JPEG, TIFF, WebP and GIF (its first frame) itself,
// with no Qt image plugin needed on a server.
RecognisedText OcrEngine::recogniseEncoded(const QByteArray &bytes)
{
    Pix *pix =
        pixReadMem(reinterpret_cast<const l_uint8 *>(bytes.constData()), size_t(bytes.size()));
    if (!pix)
        throw OcrUnavailable(QStringLiteral("the image cannot be decoded"));
    if (pixGetXRes(pix) <= 0)
        pixSetResolution(pix, 300, 300);
    m_api->SetImage(pix);
    RecognisedText recognised = readText();
    pixDestroy(&pix);
    return recognised;
}

RecognisedText OcrEngine::readText()
{
    const std::unique_ptr<char[]> text(m_api->GetUTF8Text());
    RecognisedText recognised;
    recognised.text = text ? QString::fromUtf8(text.get()).trimmed() : QString();
    recognised.confidence = qBound(0, m_api->MeanTextConf(), 100);
    m_api->Clear();
    return recognised;
}

} // namespace aether
