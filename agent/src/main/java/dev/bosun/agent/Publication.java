package dev.bosun.agent;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.GpuDeviceHealth;
import dev.bosun.api.v1alpha1.GpuEccCounts;
import dev.bosun.api.v1alpha1.GpuFault;
import dev.bosun.api.v1alpha1.GpuHealthStatus;
import dev.bosun.api.v1alpha1.GpuNodeHealthStatus;
import dev.bosun.api.v1alpha1.GpuRemappedRows;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.gpu.classify.Finding;
import dev.bosun.gpu.classify.GpuHealth;
import dev.bosun.gpu.classify.GpuHealthState;
import dev.bosun.gpu.classify.NodeHealth;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.PciAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the agent publishes, as a pure function of what it knows: the {@code GpuNodeHealth} status,
 * the Node condition {@code GpuHealthy}, and whether each needs writing. Writing only on change
 * (plus a heartbeat, so that a reader can tell a live agent from a dead one) keeps a thousand
 * agents sampling every second from becoming a thousand writes a second.
 *
 * <p>"Changed" ignores the timestamps and the unparsed-input counters: a stream of garbage in the
 * kernel log must not turn into a stream of writes. Those ride along with the next real change or
 * heartbeat.
 */
public final class Publication {

  /** Newest faults kept per GPU, and for the node; the CRD's maxItems. */
  public static final int RECENT_FAULTS = 10;

  static final int MAX_TEXT = 1024;
  static final int MAX_REASON = 512;
  static final int MAX_MESSAGE = 1024;

  private Publication() {}

  /**
   * What the agent knows after a sample.
   *
   * @param generation the GpuNodeHealth's metadata.generation, {@code null} before it exists
   * @param snapshot the latest sample, {@code null} when the source failed
   */
  public record Inputs(
      Long generation,
      String source,
      NodeSnapshot snapshot,
      NodeHealth health,
      FaultHistory faults,
      Map<String, Long> unparsed,
      Instant now) {}

  /** What was last written; {@code null} fields when nothing has been. */
  public record Last(
      GpuNodeHealthStatus status, Instant statusAt, Condition condition, Instant conditionAt) {
    public static final Last NOTHING = new Last(null, null, null, null);
  }

  public record Decision(
      GpuNodeHealthStatus status,
      Condition condition,
      boolean writeStatus,
      boolean writeCondition) {}

  public static Decision decide(Inputs in, Last last, Duration heartbeat) {
    Condition fresh = condition(in);
    Condition condition = carryTransitionTime(fresh, last.condition());
    GpuNodeHealthStatus status = status(in, condition);
    boolean statusDue =
        last.statusAt() == null || !in.now().isBefore(last.statusAt().plus(heartbeat));
    boolean conditionDue =
        last.conditionAt() == null || !in.now().isBefore(last.conditionAt().plus(heartbeat));
    boolean writeStatus = statusDue || !comparable(status).equals(comparable(last.status()));
    boolean writeCondition = conditionDue || !sameCondition(condition, last.condition());
    return new Decision(status, condition, writeStatus, writeCondition);
  }

  // --- the condition ---------------------------------------------------------------------------

  static Condition condition(Inputs in) {
    NodeHealth h = in.health();
    String at = time(in.now());
    if (h.expectedGpus().isEmpty()) {
      return new Condition(
          ConditionTypes.GPU_HEALTHY,
          "Unknown",
          in.generation(),
          at,
          Reasons.NO_GPUS,
          in.snapshot() == null
              ? "the GPU source (" + in.source() + ") could not be read"
              : "no GPU found on this node");
    }
    List<String> unhealthy = new ArrayList<>();
    List<String> degraded = new ArrayList<>();
    for (String uuid : byIndex(in)) {
      GpuHealthState s = h.gpus().get(uuid);
      if (s == null || s.health() == GpuHealth.HEALTHY) continue;
      String name =
          "GPU "
              + indexOf(in, uuid)
              + " ("
              + uuid
              + ")"
              + (s.reason().isEmpty() ? "" : ": " + s.reason());
      (s.health() == GpuHealth.UNHEALTHY ? unhealthy : degraded).add(name);
    }
    int total = h.expectedGpus().size();
    if (!unhealthy.isEmpty()) {
      return new Condition(
          ConditionTypes.GPU_HEALTHY,
          "False",
          in.generation(),
          at,
          Reasons.GPU_UNHEALTHY,
          cut(
              unhealthy.size()
                  + " of "
                  + total
                  + " GPUs unhealthy: "
                  + String.join("; ", unhealthy),
              MAX_MESSAGE));
    }
    if (!degraded.isEmpty()) {
      return new Condition(
          ConditionTypes.GPU_HEALTHY,
          "True",
          in.generation(),
          at,
          Reasons.GPUS_DEGRADED,
          cut(
              degraded.size() + " of " + total + " GPUs degraded: " + String.join("; ", degraded),
              MAX_MESSAGE));
    }
    return new Condition(
        ConditionTypes.GPU_HEALTHY,
        "True",
        in.generation(),
        at,
        Reasons.GPUS_HEALTHY,
        total == 1 ? "1 GPU healthy" : "all " + total + " GPUs healthy");
  }

  /** A condition's lastTransitionTime moves only when its status does. */
  static Condition carryTransitionTime(Condition fresh, Condition last) {
    if (last == null || !last.status().equals(fresh.status())) return fresh;
    return new Condition(
        fresh.type(),
        fresh.status(),
        fresh.observedGeneration(),
        last.lastTransitionTime(),
        fresh.reason(),
        fresh.message());
  }

  static boolean sameCondition(Condition a, Condition b) {
    return b != null
        && a.status().equals(b.status())
        && Objects.equals(a.reason(), b.reason())
        && Objects.equals(a.message(), b.message());
  }

  // --- the status ------------------------------------------------------------------------------

  static GpuNodeHealthStatus status(Inputs in, Condition condition) {
    NodeHealth h = in.health();
    Set<PciAddress> gpuAddresses = new HashSet<>();
    List<GpuDeviceHealth> gpus = new ArrayList<>();
    for (String uuid : byIndex(in)) {
      GpuSample current = in.snapshot() == null ? null : in.snapshot().byUuid(uuid).orElse(null);
      GpuSample g = current != null ? current : h.lastSamples().get(uuid);
      if (g == null) continue;
      if (g.identity().pci() != null) gpuAddresses.add(g.identity().pci());
      GpuHealthState s = h.gpus().get(uuid);
      GpuHealth health = s == null ? GpuHealth.HEALTHY : s.health();
      List<FaultHistory.Entry> mine = new ArrayList<>(in.faults().of(uuid));
      if (g.identity().pci() != null) mine.addAll(in.faults().of(g.identity().pci().toString()));
      mine.sort(Comparator.comparing(e -> e.finding().at()));
      List<GpuFault> faults = mine.stream().map(Publication::fault).toList();
      gpus.add(
          new GpuDeviceHealth(
              g.identity().index(),
              uuid,
              g.identity().name(),
              g.identity().pci() == null ? null : g.identity().pci().nvmlForm(),
              current != null,
              healthStatus(health),
              s == null || s.reason().isEmpty() || health == GpuHealth.HEALTHY
                  ? null
                  : cut(s.reason(), MAX_REASON),
              s == null ? null : time(s.since()),
              newest(faults),
              g.ecc() == null
                  ? null
                  : new GpuEccCounts(
                      g.ecc().volatileCorrected(),
                      g.ecc().volatileUncorrected(),
                      g.ecc().aggregateCorrected(),
                      g.ecc().aggregateUncorrected()),
              g.remappedRows() == null
                  ? null
                  : new GpuRemappedRows(
                      g.remappedRows().correctable(),
                      g.remappedRows().uncorrectable(),
                      g.remappedRows().pending(),
                      g.remappedRows().failure()),
              g.clockEventReasons() == null ? null : g.clockEventReasons().names()));
    }
    List<FaultHistory.Entry> others = new ArrayList<>();
    for (Map.Entry<String, List<FaultHistory.Entry>> e : in.faults().byGpu().entrySet()) {
      if (h.expectedGpus().contains(e.getKey())) continue;
      for (FaultHistory.Entry f : e.getValue()) {
        if (f.finding().pci() == null || !gpuAddresses.contains(f.finding().pci())) others.add(f);
      }
    }
    others.sort(Comparator.comparing(e -> e.finding().at()));
    List<GpuFault> nodeFaults = others.stream().map(Publication::fault).toList();
    NodeSnapshot snap = in.snapshot();
    return new GpuNodeHealthStatus(
        in.generation(),
        List.of(condition),
        time(in.now()),
        in.source(),
        snap == null ? null : snap.driverVersion(),
        snap == null ? null : snap.cudaVersion(),
        gpus.size() > 64 ? gpus.subList(0, 64) : gpus,
        newest(nodeFaults),
        new TreeMap<>(in.unparsed()));
  }

  static GpuFault fault(FaultHistory.Entry e) {
    Finding f = e.finding();
    return new GpuFault(
        f.xid(),
        f.signal().name(),
        f.faultClass().wireName(),
        cut(f.action(), MAX_REASON),
        cut(f.detail(), MAX_REASON),
        time(f.at()),
        cut(e.text(), MAX_TEXT));
  }

  static GpuHealthStatus healthStatus(GpuHealth h) {
    return switch (h) {
      case HEALTHY -> GpuHealthStatus.Healthy;
      case DEGRADED -> GpuHealthStatus.Degraded;
      case UNHEALTHY -> GpuHealthStatus.Unhealthy;
    };
  }

  /**
   * The status without what changes on its own (times, unparsed counters): what "changed" compares.
   */
  static GpuNodeHealthStatus comparable(GpuNodeHealthStatus s) {
    if (s == null) return null;
    List<Condition> conditions =
        s.conditions() == null
            ? null
            : s.conditions().stream()
                .map(
                    c ->
                        new Condition(
                            c.type(),
                            c.status(),
                            c.observedGeneration(),
                            "",
                            c.reason(),
                            c.message()))
                .toList();
    return new GpuNodeHealthStatus(
        s.observedGeneration(),
        conditions,
        null,
        s.source(),
        s.driverVersion(),
        s.cudaVersion(),
        s.gpus(),
        s.nodeFaults(),
        null);
  }

  private static List<String> byIndex(Inputs in) {
    return in.health().expectedGpus().stream()
        .sorted(Comparator.comparingInt((String u) -> indexOf(in, u)).thenComparing(u -> u))
        .toList();
  }

  private static int indexOf(Inputs in, String uuid) {
    GpuSample s = in.health().lastSamples().get(uuid);
    return s == null ? Integer.MAX_VALUE : s.identity().index();
  }

  private static <T> List<T> newest(List<T> list) {
    return list.size() <= RECENT_FAULTS
        ? List.copyOf(list)
        : List.copyOf(list.subList(list.size() - RECENT_FAULTS, list.size()));
  }

  static String time(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
  }

  static String cut(String s, int max) {
    if (s == null || s.length() <= max) return s;
    return s.substring(0, max - 1) + "…";
  }
}
