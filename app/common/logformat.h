#pragma once

namespace aether {

// Log lines on stderr: "2026-11-28 12:00:00.123 INFO  Starting ingest_text_job: ...".
// Lines are buffered and written by a background thread every 50 ms (or at
// once for errors), so busy workers do not pay a system call per log line.
void installLogFormat();

// Writes what is buffered now; call before the process exits.
void flushLog();

} // namespace aether
