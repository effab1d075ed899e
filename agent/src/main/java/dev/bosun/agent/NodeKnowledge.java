package dev.bosun.agent;

import dev.bosun.gpu.classify.Finding;
import dev.bosun.gpu.classify.GpuHealthState;
import dev.bosun.gpu.classify.NodeHealth;
import dev.bosun.gpu.classify.NodeHealthTracker;
import dev.bosun.gpu.kernel.DriverFault;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.Parsed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the agent knows about its node, and how each input moves it on: faults from the kernel log
 * or NVML, and samples, good or failed. Pure and immutable: the decisions are here, the reading and
 * the writing are not. The loop thread ({@link NodeAgent}) keeps the current one and replaces it
 * after each input; any thread may read one it is given.
 *
 * @param sourceUnparsed values the GPU source could not read, since the agent started
 * @param sourceProblem why the last read of the GPUs failed; {@code null} when it worked
 */
record NodeKnowledge(
    NodeHealth health, FaultHistory faults, long sourceUnparsed, String sourceProblem) {

  static final NodeKnowledge INITIAL =
      new NodeKnowledge(NodeHealth.EMPTY, FaultHistory.empty(Publication.RECENT_FAULTS), 0, null);

  /** The knowledge after some faults, and what they were found to be. */
  record AfterFaults(NodeKnowledge knowledge, List<Finding> findings) {
    /** A fault that breaks a GPU should be sampled and published now, not at the next period. */
    boolean breaksAGpu() {
      return findings.stream().anyMatch(f -> f.faultClass().breaksTheGpu());
    }
  }

  /**
   * The knowledge after a sample.
   *
   * @param snapshot the sample; {@code null} when the source could not be read
   * @param effective the sample, or an empty one when the source could not be read: what the
   *     tracker saw
   */
  record AfterSample(NodeKnowledge knowledge, NodeSnapshot snapshot, NodeSnapshot effective) {}

  /** Kernel-log records and NVML events, oldest first, each classified at {@code now}. */
  AfterFaults withFaults(NodeHealthTracker tracker, List<DriverFault> faults, Instant now) {
    NodeHealth h = health;
    FaultHistory history = this.faults;
    List<Finding> found = new ArrayList<>();
    for (DriverFault fault : faults) {
      NodeHealthTracker.Step step = tracker.onFault(h, fault, now);
      h = step.state();
      found.addAll(step.findings());
      history = history.with(step.findings(), fault.text());
    }
    return new AfterFaults(new NodeKnowledge(h, history, sourceUnparsed, sourceProblem), found);
  }

  /**
   * One read of the GPUs from the source named {@code source}. A failed read holds every known GPU
   * unhealthy (the tracker's NVML-failure finding) and is then judged as an empty snapshot.
   */
  AfterSample withSample(
      NodeHealthTracker tracker, String source, Parsed<NodeSnapshot> sample, Instant now) {
    NodeHealth h = health;
    FaultHistory history = faults;
    NodeSnapshot snapshot = sample.value().orElse(null);
    String problem = null;
    if (snapshot == null) {
      problem = source + ": " + String.join(", ", sample.problems());
      NodeHealthTracker.Step failed = tracker.onNvmlFailure(h, problem, now);
      h = failed.state();
      history = history.with(failed.findings());
    }
    NodeSnapshot effective =
        snapshot != null ? snapshot : new NodeSnapshot(now, null, null, null, List.of());
    NodeHealthTracker.Step step = tracker.onSnapshot(h, effective, now);
    return new AfterSample(
        new NodeKnowledge(
            step.state(),
            history.with(step.findings()),
            sourceUnparsed + sample.unparsed(),
            problem),
        snapshot,
        effective);
  }

  /**
   * This knowledge with what an earlier run of the agent published carried over: GPUs this run has
   * not judged yet take the carried state, GPUs still missing are expected (and so found missing at
   * the next sample), and the carried faults come before this run's.
   */
  NodeKnowledge resumedFrom(CarriedOver carried) {
    Map<String, GpuHealthState> gpus = new HashMap<>(carried.gpus());
    gpus.putAll(health.gpus());
    Map<String, GpuSample> samples = new HashMap<>(carried.missing());
    samples.putAll(health.lastSamples());
    Set<String> expected = new HashSet<>(health.expectedGpus());
    expected.addAll(carried.missing().keySet());
    NodeHealth h =
        new NodeHealth(
            expected,
            samples,
            gpus,
            health.xidHistory(),
            health.xids(),
            health.pending(),
            health.recent());
    return new NodeKnowledge(h, carried.faults().then(faults), sourceUnparsed, sourceProblem);
  }

  /** Unreadable input per source: the GPU source's, then the others' (the kernel log's). */
  Map<String, Long> unparsed(String source, Map<String, Long> others) {
    Map<String, Long> m = new TreeMap<>(others);
    m.put(source, sourceUnparsed);
    return m;
  }
}
