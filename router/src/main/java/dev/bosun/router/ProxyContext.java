package dev.bosun.router;

import java.time.Clock;
import java.time.Duration;

/** What every connection shares: the limits, the sandboxes, access, wakes, activity, metrics. */
record ProxyContext(
    Limits limits,
    SandboxLookup sandboxes,
    Access access,
    Waker waker,
    ActivityRecorder activity,
    PodNetwork podNetwork,
    RouterMetrics metrics,
    Duration wakeTimeout,
    Clock clock) {}
