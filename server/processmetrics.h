#pragma once

namespace aether {

// The process_* metrics every Prometheus client library exports, read from
// /proc (Linux only; fields a read could not get stay negative and are left
// out of /metrics).
struct ProcessMetrics
{
    double cpuSeconds = -1;       // user + system time
    double residentBytes = -1;    // resident set size
    double virtualBytes = -1;     // virtual memory size
    double startTimeSeconds = -1; // since the Unix epoch
    double openFds = -1;
    double maxFds = -1; // the soft limit on open files

    static ProcessMetrics read();
};

} // namespace aether
