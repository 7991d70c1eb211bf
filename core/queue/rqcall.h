#pragma once

#include <QByteArray>

namespace aether {

// What RQ's Job.restore needs to name a job's call.
struct RqCallInput
{
    QByteArray type;     // text | url | file | reindex
    QByteArray argument; // the one positional argument (URL, file name); null: none
    QByteArray source;
    QByteArray tenant;
    QByteArray priority;
    qint64 size = -1; // payload bytes (text, file); negative: unknown
    QByteArray name;  // the job's name, RQ's description; empty: the call itself
};

struct RqCall
{
    QByteArray data;        // the job hash's `data`
    QByteArray description; // its `description`
};

// RQ's `data` (a pickle of the call (func_name, instance, args, kwargs), which
// RQ's Job.restore reads) and `description` of a job (free text in RQ, which
// tools show as the job's name: Aether's name for it, or else the call). The call names a
// function Python cannot import (aether_ingest.ingest_<type>_job), so a stray
// RQ worker fails the job instead of running it; the payload itself stays in
// Aether's fields (text is not copied).
RqCall rqCall(const RqCallInput &input);

} // namespace aether
