#include "server/metricstext.h"

namespace aether {

namespace {

QByteArray escapeLabel(const QByteArray &value)
{
    QByteArray escaped = value;
    escaped.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return escaped;
}

QByteArray number(double value)
{
    return QByteArray::number(value, 'g', 15);
}

// The q of one media range of an Accept header ("type/sub; a=b; q=0.5"); 1
// when it names none.
double qualityOf(const QList<QByteArray> &parameters)
{
    for (const QByteArray &parameter : parameters) {
        const QByteArray trimmed = parameter.trimmed();
        if (trimmed.startsWith("q=") || trimmed.startsWith("Q="))
            return trimmed.mid(2).toDouble();
    }
    return 1;
}

} // namespace

MetricsText::Format MetricsText::negotiate(const QByteArray &accept)
{
    for (const QByteArray &range : accept.split(',')) {
        QList<QByteArray> parts = range.split(';');
        const QByteArray mediaType = parts.takeFirst().trimmed().toLower();
        if (mediaType == "application/openmetrics-text" && qualityOf(parts) > 0)
            return Format::OpenMetrics;
    }
    return Format::Prometheus;
}

void MetricsText::family(const QByteArray &name, const QByteArray &type, const QByteArray &help)
{
    QByteArray familyName = name;
    QByteArray familyType = type;
    if (m_format == Format::OpenMetrics) {
        if (type == "counter" && name.endsWith("_total"))
            familyName.chop(6);
        if (type == "info" && name.endsWith("_info"))
            familyName.chop(5);
    } else if (type == "info") {
        familyType = "gauge";
    }
    m_out +=
        "# HELP " + familyName + ' ' + help + "\n# TYPE " + familyName + ' ' + familyType + '\n';
}

void MetricsText::sample(const QByteArray &name, const Labels &labels, double value)
{
    m_out += name;
    if (!labels.isEmpty()) {
        m_out += '{';
        for (qsizetype i = 0; i < labels.size(); ++i) {
            if (i > 0)
                m_out += ',';
            m_out += labels[i].first + "=\"" + escapeLabel(labels[i].second) + '"';
        }
        m_out += '}';
    }
    m_out += ' ' + number(value) + '\n';
}

void MetricsText::histogram(const QByteArray &name, const Labels &labels,
                            const QList<double> &bounds, const QList<qint64> &cumulative,
                            qint64 count, double sum)
{
    for (qsizetype i = 0; i < bounds.size(); ++i)
        sample(name + "_bucket", Labels(labels) << qMakePair(QByteArray("le"), number(bounds[i])),
               double(cumulative.value(i)));
    sample(name + "_bucket", Labels(labels) << qMakePair(QByteArray("le"), QByteArray("+Inf")),
           double(count));
    sample(name + "_sum", labels, sum);
    sample(name + "_count", labels, double(count));
}

QByteArray MetricsText::contentType() const
{
    return m_format == Format::OpenMetrics
               ? QByteArrayLiteral("application/openmetrics-text; version=1.0.0; charset=utf-8")
               : QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8");
}

QByteArray MetricsText::finish()
{
    if (m_format == Format::OpenMetrics)
        m_out += "# EOF\n";
    return std::exchange(m_out, {});
}

} // namespace aether
