#pragma once

#include <QString>
#include <stdexcept>

namespace aether {

// A failure of one job, shown to the user as "Kind: message" (the seed's form,
// e.g. "HTTPError: 404 Not Found"). Permanent errors (a 404, a corrupt file)
// will never succeed on retry; transient ones (timeouts, 5xx) may.
class IngestError : public std::runtime_error
{
public:
    enum class Retry
    {
        Permanent,
        Transient
    };

    IngestError(QString kind, QString message, Retry retry = Retry::Permanent)
        : std::runtime_error(QString(kind + QStringLiteral(": ") + message).toStdString()),
          m_kind(std::move(kind)), m_message(std::move(message)), m_retry(retry)
    {}

    const QString &kind() const { return m_kind; }
    const QString &message() const { return m_message; }
    bool isTransient() const { return m_retry == Retry::Transient; }
    QString toString() const { return m_kind + QStringLiteral(": ") + m_message; }

private:
    QString m_kind;
    QString m_message;
    Retry m_retry;
};

} // namespace aether
