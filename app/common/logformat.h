#pragma once

#include <QString>

namespace aether {

// Log lines on stderr, in one of three forms:
// - text (the default): "2026-11-28T12:00:00.123Z INFO  Starting ingest_text_job: ...";
// - json (LOG_FORMAT=json): {"time":"…Z","level":"info","message":"…",
//   "category":"aether.worker","worker":"…","job_id":"…"}, one object a line;
// - under journald (JOURNAL_STREAM names our stderr): each line starts with
//   its syslog priority ("<4>" for a warning) and carries no time of ours,
//   which journald adds; a json line gets the prefix too.
// Lines are buffered and written by a background thread every 50 ms (or at
// once for errors), so busy workers do not pay a system call per log line; a
// crash (SIGSEGV, SIGABRT, ...) writes what is buffered before the process dies.
void installLogFormat(); // LOG_FORMAT from the environment until useLogFormat()

// The format the settings chose ("text" or "json"; --log-format and the
// settings file included).
void useLogFormat(const QString &format);

// Writes what is buffered now; call before the process exits.
void flushLog();

} // namespace aether
