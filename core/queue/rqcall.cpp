#include "queue/rqcall.h"

#include "queue/pickle.h"

namespace aether {

namespace {

// Python's repr() of a str, as RQ writes arguments into a job's description.
QByteArray pythonRepr(const QByteArray &utf8)
{
    QByteArray quoted = utf8;
    quoted.replace('\\', "\\\\").replace('\'', "\\'").replace('\n', "\\n");
    return '\'' + quoted + '\'';
}

} // namespace

RqCall rqCall(const RqCallInput &input)
{
    const QByteArray function = "aether_ingest.ingest_" + input.type + "_job";
    PickleWriter pickle;
    pickle.beginTuple().utf8(function).none().beginTuple();
    if (!input.argument.isNull())
        pickle.utf8(input.argument);
    pickle.endTuple().beginDict();
    pickle.utf8("source").utf8(input.source).utf8("tenant").utf8(input.tenant);
    if (input.size >= 0)
        pickle.utf8("size").integer(input.size);
    pickle.utf8("priority").utf8(input.priority).endDict().endTuple();
    const QByteArray description =
        !input.name.isEmpty()
            ? input.name
            : function + '(' +
                  (input.argument.isNull() ? QByteArray() : pythonRepr(input.argument)) + ')';
    return {pickle.finish(), description};
}

} // namespace aether
