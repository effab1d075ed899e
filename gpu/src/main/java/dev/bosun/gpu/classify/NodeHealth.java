package dev.bosun.gpu.classify;

import dev.bosun.gpu.model.GpuSample;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the node remembers between samples, as one immutable value: the GPUs it expects, each
 * GPU's last sample and health, the recent Xids the context rules need, the Xid counters for
 * metrics, findings waiting for the next sample, and the most recent findings (what {@code
 * GpuNodeHealth} shows). {@link NodeHealthTracker} moves it from one value to the next.
 *
 * @param expectedGpus UUIDs ever seen on this node since the agent started
 * @param pending the worst finding per GPU from faults since the last sample, applied with the next
 *     one
 * @param recent the newest findings, oldest first, at most {@link
 *     NodeHealthTracker#RECENT_FINDINGS}
 */
public record NodeHealth(
    Set<String> expectedGpus,
    Map<String, GpuSample> lastSamples,
    Map<String, GpuHealthState> gpus,
    XidHistory xidHistory,
    XidTally xids,
    List<Finding> pending,
    List<Finding> recent) {

  public NodeHealth {
    expectedGpus = Set.copyOf(expectedGpus);
    lastSamples = Map.copyOf(lastSamples);
    gpus = Map.copyOf(gpus);
    pending = List.copyOf(pending);
    recent = List.copyOf(recent);
  }

  public static final NodeHealth EMPTY =
      new NodeHealth(
          Set.of(), Map.of(), Map.of(), XidHistory.EMPTY, XidTally.EMPTY, List.of(), List.of());

  public GpuHealth healthOf(String uuid) {
    GpuHealthState s = gpus.get(uuid);
    return s == null ? GpuHealth.HEALTHY : s.health();
  }
}
