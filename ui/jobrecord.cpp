#include "ui/jobrecord.h"

#include "text/excerpt.h"

#include <QJsonValue>
#include <QRegularExpression>

namespace aether {

namespace {

template<typename T> bool assign(T &target, const T &value)
{
    if (target == value)
        return false;
    target = value;
    return true;
}

// The API's times have whole seconds; an event's time within the same second
// is more precise and stays.
bool assignTime(QDateTime &target, const QDateTime &value)
{
    if (target.isValid() && value.isValid() &&
        target.toSecsSinceEpoch() == value.toSecsSinceEpoch())
        return false;
    return assign(target, value);
}

QString nameFromResult(const QJsonObject &result)
{
    const QString fileName = result.value(QStringLiteral("filename")).toString();
    return fileName.isEmpty() ? result.value(QStringLiteral("url")).toString() : fileName;
}

} // namespace

bool JobRecord::isEnded() const
{
    return status == QLatin1String("finished") || status == QLatin1String("failed") ||
           status == QLatin1String("canceled");
}

bool JobRecord::hasBegun() const
{
    return !stage.isEmpty() && stage != QLatin1String("starting");
}

QString JobRecord::shownStatus() const
{
    return waiting && status == QLatin1String("started") ? QStringLiteral("queued") : status;
}

bool JobRecord::canRetry() const
{
    return status == QLatin1String("failed") || status == QLatin1String("canceled");
}

bool JobRecord::canCancel() const
{
    return !status.isEmpty() && !isEnded(); // queued, scheduled or started
}

bool JobRecord::canDelete() const
{
    return status != QLatin1String("started");
}

bool JobRecord::applyEvent(const QJsonObject &event)
{
    bool changed = false;
    const QString newStatus = event.value(QStringLiteral("status")).toString();
    if (newStatus != status) {
        const QDateTime at = parseJobTime(event.value(QStringLiteral("at")).toString());
        if (newStatus == QLatin1String("queued")) {
            if (!enqueuedAt.isValid() || isEnded())
                enqueuedAt = at;
            endedAt = {};
            startedAt = {};
            ranMs = -1;
            error.clear();
            progress = 0;
            stage.clear();
        } else if (newStatus == QLatin1String("started")) {
            startedAt = at.isValid() ? at : QDateTime::currentDateTimeUtc();
            // As the take leaves it: its first step comes as a progress event.
            stage = QStringLiteral("starting");
            progress = 0;
        } else if (newStatus == QLatin1String("finished") || newStatus == QLatin1String("failed") ||
                   newStatus == QLatin1String("canceled")) {
            endedAt = at.isValid() ? at : QDateTime::currentDateTimeUtc();
        }
        if (newStatus == QLatin1String("finished")) {
            progress = 100;
            stage = QStringLiteral("done");
        }
        if (newStatus != QLatin1String("scheduled"))
            retryAt = {};
        status = newStatus;
        changed = true;
    }
    if (event.contains(QStringLiteral("worker")))
        changed |= assign(worker, event.value(QStringLiteral("worker")).toString());
    if (event.contains(QStringLiteral("retry_at")))
        changed |=
            assign(retryAt, parseJobTime(event.value(QStringLiteral("retry_at")).toString()));
    if (event.contains(QStringLiteral("stage")))
        changed |= assign(stage, event.value(QStringLiteral("stage")).toString());
    if (event.contains(QStringLiteral("progress")))
        changed |= assign(progress, event.value(QStringLiteral("progress")).toInt());
    if (event.contains(QStringLiteral("error")))
        changed |= assign(error, event.value(QStringLiteral("error")).toString());
    return changed;
}

bool JobRecord::applyJson(const QJsonObject &job, Part part)
{
    bool changed = false;
    const auto text = [&job](const char *key) { return job.value(QLatin1String(key)).toString(); };
    if (!text("type").isEmpty())
        changed |= assign(type, text("type"));
    if (!text("source").isEmpty())
        changed |= assign(source, text("source"));
    const QJsonObject result = job.value(QStringLiteral("result")).toObject();
    if (!result.isEmpty()) {
        changed |= assign(chunks, result.value(QStringLiteral("ingested_chunks")).toInt());
        const QJsonValue document = result.value(QStringLiteral("document_id"));
        if (document.isDouble())
            changed |= assign(documentId, qint64(document.toDouble()));
    }
    QString shownName = text("name");
    if (shownName.isEmpty())
        shownName = nameFromResult(result);
    if (shownName.isEmpty())
        shownName = !text("filename").isEmpty() ? text("filename") : text("url");
    if (shownName.isEmpty() && !text("text").isEmpty())
        shownName = firstWords(text("text"));
    if (!shownName.isEmpty())
        changed |= assign(name, shownName);
    if (part == Part::Description)
        return changed;
    changed |= assign(status, text("status"));
    changed |= assign(worker, text("worker_name"));
    changed |= assignTime(retryAt, parseJobTime(text("retry_at")));
    changed |= assign(stage, text("stage"));
    changed |= assign(progress, job.value(QStringLiteral("progress")).toInt());
    changed |= assign(error, text("error"));
    changed |= assignTime(enqueuedAt, parseJobTime(text("enqueued_at")));
    changed |= assignTime(startedAt, parseJobTime(text("started_at")));
    changed |= assignTime(endedAt, parseJobTime(text("ended_at")));
    const QJsonValue ran = job.value(QStringLiteral("duration_ms"));
    changed |= assign(ranMs, ran.isDouble() ? qint64(ran.toDouble()) : qint64(-1));
    return changed;
}

const QStringList &jobStates()
{
    static const QStringList states{QStringLiteral("queued"),  QStringLiteral("scheduled"),
                                    QStringLiteral("started"), QStringLiteral("finished"),
                                    QStringLiteral("failed"),  QStringLiteral("canceled")};
    return states;
}

QColor jobStateColor(const QString &status)
{
    if (status == QLatin1String("queued"))
        return QColor(0x60, 0x7d, 0x8b);
    if (status == QLatin1String("scheduled"))
        return QColor(0x8e, 0x6c, 0xc8);
    if (status == QLatin1String("started"))
        return QColor(0x1e, 0x88, 0xe5);
    if (status == QLatin1String("finished"))
        return QColor(0x2e, 0x9d, 0x4f);
    if (status == QLatin1String("failed"))
        return QColor(0xd3, 0x2f, 0x2f);
    if (status == QLatin1String("canceled"))
        return QColor(0xef, 0x8c, 0x00);
    return QColor(0x9e, 0x9e, 0x9e);
}

QString jobStateTitle(const QString &status)
{
    return status.isEmpty() ? QString() : status.at(0).toUpper() + status.mid(1);
}

// Parsed by hand: QDateTime::fromString costs ~10x more, and a burst of events
// parses thousands of these.
QDateTime parseJobTime(const QString &text)
{
    if (text.size() < 19)
        return {};
    const auto number = [&text](int from, int length) {
        int value = 0;
        for (int i = from; i < from + length; ++i) {
            const int digit = text.at(i).unicode() - '0';
            if (digit < 0 || digit > 9)
                return -1;
            value = value * 10 + digit;
        }
        return value;
    };
    const int milliseconds =
        text.size() >= 23 && text.at(19) == QLatin1Char('.') ? number(20, 3) : 0;
    const QDate date(number(0, 4), number(5, 2), number(8, 2));
    const QTime time(number(11, 2), number(14, 2), number(17, 2), qMax(0, milliseconds));
    if (!date.isValid() || !time.isValid())
        return {};
    return QDateTime(date, time, Qt::UTC);
}

} // namespace aether
