package dev.bosun.router;

import dev.bosun.scaler.Demand;
import dev.bosun.scaler.PodNetwork;
import dev.bosun.scaler.WorkloadLookup;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every connection shares: the limits, the sandboxes, access, wakes, activity, metrics; the
 * Workloads, the requests held for them and the round-robin counter over their pods.
 */
record ProxyContext(
    Limits limits,
    SandboxLookup sandboxes,
    Access access,
    Waker waker,
    ActivityRecorder activity,
    PodNetwork podNetwork,
    RouterMetrics metrics,
    Duration wakeTimeout,
    Clock clock,
    WorkloadLookup workloads,
    Demand demand,
    Duration holdTimeout,
    AtomicInteger roundRobin) {}
