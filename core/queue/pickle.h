#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QStringView>

namespace aether {

// Writes a Python pickle (protocol 2, the format RQ's default serializer reads
// from a job's `data` and `result` fields) of str, int, float, bool, None,
// tuple, list and dict values. No memo: every value is written out in full,
// which Python's unpickler accepts. Containers are opened and closed around
// their items (a dict's items are key, value, key, value, ...).
class PickleWriter
{
public:
    PickleWriter();

    PickleWriter &none();
    PickleWriter &boolean(bool value);
    PickleWriter &integer(qint64 value);
    PickleWriter &real(double value);
    PickleWriter &text(QStringView value);
    PickleWriter &utf8(const QByteArray &value); // a str given as UTF-8 bytes
    PickleWriter &json(const QJsonValue &value); // objects as dicts, arrays as lists

    PickleWriter &beginTuple();
    PickleWriter &endTuple();
    PickleWriter &beginList();
    PickleWriter &endList();
    PickleWriter &beginDict();
    PickleWriter &endDict();

    // The pickle, ended with STOP; the writer is spent.
    QByteArray finish();

private:
    QByteArray m_bytes;
};

} // namespace aether
