#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

namespace aether {

// Writes /metrics in one of the two formats Prometheus reads: the text format
// 0.0.4, or OpenMetrics 1.0.0 when the scraper's Accept asks for it. Names are
// given as sampled (counters end in "_total", info metrics in "_info"); the
// OpenMetrics family names in # TYPE and # HELP drop those suffixes, as that
// format requires.
class MetricsText
{
public:
    enum class Format
    {
        Prometheus,
        OpenMetrics
    };
    using Labels = QList<QPair<QByteArray, QByteArray>>; // {{"type", "text"}, ...}

    explicit MetricsText(Format format) : m_format(format) {}
    // OpenMetrics when `accept` lists application/openmetrics-text with a
    // non-zero q; the text format otherwise (also for */* and no Accept).
    static Format negotiate(const QByteArray &accept);

    // `type`: "counter", "gauge", "histogram" or "info" (a gauge of 1 in the
    // text format).
    void family(const QByteArray &name, const QByteArray &type, const QByteArray &help);
    void sample(const QByteArray &name, const Labels &labels, double value);
    // Writes one histogram series: `cumulative` holds the count at or below
    // each of `bounds`.
    void histogram(const QByteArray &name, const Labels &labels, const QList<double> &bounds,
                   const QList<qint64> &cumulative, qint64 count, double sum);

    QByteArray contentType() const;
    QByteArray finish(); // the whole text, "# EOF" ended for OpenMetrics

private:
    Format m_format;
    QByteArray m_out;
};

} // namespace aether
