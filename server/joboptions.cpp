#include "server/joboptions.h"

#include "server/apireply.h"

namespace aether {

namespace {

int wholeNumber(const QJsonValue &value, const QString &name, int minimum, int maximum)
{
    bool ok = false;
    int number = 0;
    if (value.isDouble()) {
        const double d = value.toDouble();
        ok = d == double(qint64(d));
        number = int(d);
    } else if (value.isString()) {
        number = value.toString().trimmed().toInt(&ok);
    }
    if (!ok || number < minimum || number > maximum) {
        throw ApiError{422, QStringLiteral("field '%1' must be a whole number from %2 to %3")
                                .arg(name)
                                .arg(minimum)
                                .arg(maximum)};
    }
    return number;
}

} // namespace

void readJobOptions(const std::function<QJsonValue(const QString &)> &field,
                    const IngestLimits &limits, JobRequest &request)
{
    const QJsonValue priority = field(QStringLiteral("priority"));
    if (!priority.isUndefined() && !priority.isNull()) {
        const QString name = priority.toString().trimmed().toLower();
        if (name != QLatin1String("high") && name != QLatin1String("default") &&
            name != QLatin1String("low"))
            throw ApiError{422, QStringLiteral("field 'priority' must be high, default or low")};
        request.priority = name.toLatin1();
    }
    request.timeoutSec = limits.jobTimeoutSec;
    const QJsonValue timeout = field(QStringLiteral("timeout"));
    if (!timeout.isUndefined() && !timeout.isNull())
        request.timeoutSec = wholeNumber(timeout, QStringLiteral("timeout"), 1, 86400);
    const QJsonValue attempts = field(QStringLiteral("max_attempts"));
    if (!attempts.isUndefined() && !attempts.isNull())
        request.maxAttempts = wholeNumber(attempts, QStringLiteral("max_attempts"), 1, 10);
}

} // namespace aether
