package dev.bosun.agent;

import dev.bosun.gpu.classify.Finding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The newest distinct findings per GPU (and for the node), what {@code recentFaults} shows. The
 * tracker's own list of recent findings is not enough: a condition that lasts (a missing GPU, a
 * thermal slowdown, a pending row remap) is found again at every sample, and within a minute it
 * would push the Xid that started it out of any bounded list. Here a finding that repeats one
 * already kept (same signal, Xid, class and text) is dropped, so the first sighting and its time
 * stay. Immutable.
 *
 * @param byGpu key: the GPU's UUID, its PCI address when the UUID is unknown, or {@link #NODE}
 */
public record FaultHistory(Map<String, List<FaultHistory.Entry>> byGpu, int limit) {

  public static final String NODE = "node";

  /** A finding and what was seen. */
  public record Entry(Finding finding, String text) {}

  public FaultHistory {
    Map<String, List<Entry>> copy = new HashMap<>();
    byGpu.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    byGpu = Map.copyOf(copy);
  }

  public static FaultHistory empty(int limit) {
    return new FaultHistory(Map.of(), limit);
  }

  public static String keyOf(Finding f) {
    return f.gpuUuid() != null ? f.gpuUuid() : f.pci() != null ? f.pci().toString() : NODE;
  }

  /** Telemetry findings: what was seen is the finding's own detail. */
  public FaultHistory with(List<Finding> findings) {
    return withEntries(findings.stream().map(f -> new Entry(f, f.detail())).toList());
  }

  /** A kernel or NVML fault's findings, with the driver's message. */
  public FaultHistory with(List<Finding> findings, String text) {
    return withEntries(findings.stream().map(f -> new Entry(f, text)).toList());
  }

  /** This history, then what {@code later} holds: an earlier run's faults before this run's. */
  public FaultHistory then(FaultHistory later) {
    return withEntries(later.byGpu.values().stream().flatMap(List::stream).toList());
  }

  private FaultHistory withEntries(List<Entry> entries) {
    if (entries.isEmpty()) return this;
    Map<String, List<Entry>> next = new HashMap<>(byGpu);
    boolean changed = false;
    for (Entry f : entries) {
      String key = keyOf(f.finding());
      List<Entry> list = next.getOrDefault(key, List.of());
      if (list.stream().anyMatch(k -> same(k, f))) continue;
      List<Entry> grown = new ArrayList<>(list);
      grown.add(f);
      if (grown.size() > limit) grown = grown.subList(grown.size() - limit, grown.size());
      next.put(key, grown);
      changed = true;
    }
    return changed ? new FaultHistory(next, limit) : this;
  }

  public List<Entry> of(String key) {
    return byGpu.getOrDefault(key, List.of());
  }

  static boolean same(Entry x, Entry y) {
    Finding a = x.finding(), b = y.finding();
    return a.signal() == b.signal()
        && Objects.equals(a.xid(), b.xid())
        && a.faultClass() == b.faultClass()
        && a.detail().equals(b.detail())
        && Objects.equals(x.text(), y.text());
  }
}
