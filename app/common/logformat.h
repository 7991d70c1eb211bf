#pragma once

namespace aether {

// "2026-11-28 12:00:00.123 INFO  Starting ingest_text_job: ..." on stderr.
void installLogFormat();

} // namespace aether
