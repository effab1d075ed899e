package dev.bosun.gpu.classify;

import dev.bosun.gpu.kernel.DriverFault;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.PciAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The node's GPU health as a reducer: {@code (NodeHealth, event, now) -> (NodeHealth, findings)}.
 * Two events: a driver fault (kernel log or NVML event, classified at once so its finding is
 * available within microseconds) and a snapshot (telemetry classified, then every GPU's health
 * advanced with everything found since the last snapshot). The agent keeps the current value; the
 * test kit's simulated agents do the same.
 */
public final class NodeHealthTracker {

  public static final int RECENT_FINDINGS = 64;

  /** The new state and what was found in this step. */
  public record Step(NodeHealth state, List<Finding> findings) {}

  private final XidClassifier classifier;

  public NodeHealthTracker(XidClassifier classifier) {
    this.classifier = classifier;
  }

  public GpuHealthPolicy policy() {
    return classifier.policy();
  }

  /** The same tracker under another policy; the state it reduces is the caller's and carries on. */
  public NodeHealthTracker withPolicy(GpuHealthPolicy policy) {
    return new NodeHealthTracker(classifier.withPolicy(policy));
  }

  /** A driver fault: classified now, applied to health at the next snapshot. */
  public Step onFault(NodeHealth state, DriverFault fault, Instant now) {
    XidClassifier.Result r = classifier.classify(fault, state.xidHistory(), now);
    XidTally xids = state.xids();
    if (fault.xid() != null) {
      String key =
          fault.uuid() != null
              ? fault.uuid()
              : fault.pci() != null ? fault.pci().toString() : "unknown";
      xids = xids.record(key, fault.xid());
    }
    Finding f = withUuid(r.finding(), state);
    return new Step(
        new NodeHealth(
            state.expectedGpus(),
            state.lastSamples(),
            state.gpus(),
            r.history(),
            xids,
            mergePending(state.pending(), f),
            append(state.recent(), f, RECENT_FINDINGS)),
        List.of(f));
  }

  /** NVML cannot be used: a node-level finding that holds every known GPU unhealthy. */
  public Step onNvmlFailure(NodeHealth state, String what, Instant now) {
    Finding f = TelemetryClassifier.nvmlFailure(what, now);
    return new Step(
        new NodeHealth(
            state.expectedGpus(),
            state.lastSamples(),
            state.gpus(),
            state.xidHistory(),
            state.xids(),
            mergePending(state.pending(), f),
            append(state.recent(), f, RECENT_FINDINGS)),
        List.of(f));
  }

  /** A snapshot: telemetry findings, missing GPUs, then one health step per GPU. */
  public Step onSnapshot(NodeHealth state, NodeSnapshot snapshot, Instant now) {
    List<Finding> found = new ArrayList<>();
    for (GpuSample g : snapshot.gpus())
      found.addAll(TelemetryClassifier.findings(state.lastSamples().get(g.uuid()), g, now));
    found.addAll(TelemetryClassifier.missingGpus(state.expectedGpus(), snapshot, now));

    Set<String> expected = new HashSet<>(state.expectedGpus());
    Map<String, GpuSample> last = new HashMap<>(state.lastSamples());
    for (GpuSample g : snapshot.gpus()) {
      expected.add(g.uuid());
      last.put(g.uuid(), g);
    }
    Map<PciAddress, String> uuidByPci = new HashMap<>();
    for (GpuSample g : last.values())
      if (g.identity().pci() != null) uuidByPci.put(g.identity().pci(), g.uuid());

    List<Finding> all = new ArrayList<>();
    for (Finding f : state.pending())
      all.add(
          f.gpuUuid() == null && f.pci() != null && uuidByPci.containsKey(f.pci())
              ? withUuid(f, uuidByPci.get(f.pci()))
              : f);
    all.addAll(found);

    Map<String, GpuHealthState> gpus = new HashMap<>(state.gpus());
    for (String uuid : expected) {
      List<Finding> mine = new ArrayList<>();
      for (Finding f : all)
        if (uuid.equals(f.gpuUuid()) || (f.gpuUuid() == null && f.pci() == null)) mine.add(f);
      GpuHealthState before = gpus.getOrDefault(uuid, GpuHealthState.healthy(now));
      gpus.put(uuid, GpuHealthMachine.next(before, mine, now, classifier.policy()));
    }
    List<Finding> recent = state.recent();
    for (Finding f : found) recent = append(recent, f, RECENT_FINDINGS);
    return new Step(
        new NodeHealth(expected, last, gpus, state.xidHistory(), state.xids(), List.of(), recent),
        List.copyOf(found));
  }

  private static Finding withUuid(Finding f, NodeHealth state) {
    if (f.gpuUuid() != null || f.pci() == null) return f;
    for (GpuSample g : state.lastSamples().values())
      if (f.pci().equals(g.identity().pci())) return withUuid(f, g.uuid());
    return f;
  }

  private static Finding withUuid(Finding f, String uuid) {
    return new Finding(
        f.signal(), uuid, f.pci(), f.xid(), f.faultClass(), f.action(), f.detail(), f.at());
  }

  /**
   * Pending findings only need the worst per GPU (the health step looks at nothing else), so a Xid
   * storm between two samples costs one entry per GPU, not one per Xid.
   */
  static List<Finding> mergePending(List<Finding> pending, Finding f) {
    String key = pendingKey(f);
    List<Finding> next = new ArrayList<>(pending.size() + 1);
    for (Finding p : pending) {
      if (!pendingKey(p).equals(key)) next.add(p);
      else if (p.faultClass().compareTo(f.faultClass()) > 0)
        return pending; // something worse is already waiting
    }
    next.add(f);
    return next;
  }

  private static String pendingKey(Finding f) {
    return f.gpuUuid() != null ? f.gpuUuid() : f.pci() != null ? f.pci().toString() : "node";
  }

  private static List<Finding> append(List<Finding> list, Finding f, int max) {
    List<Finding> next = new ArrayList<>(list);
    next.add(f);
    return next.size() > max ? next.subList(next.size() - max, next.size()) : next;
  }
}
