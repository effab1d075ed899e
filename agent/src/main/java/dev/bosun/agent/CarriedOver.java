package dev.bosun.agent;

import dev.bosun.api.v1alpha1.GpuDeviceHealth;
import dev.bosun.api.v1alpha1.GpuFault;
import dev.bosun.api.v1alpha1.GpuNodeHealthStatus;
import dev.bosun.gpu.classify.FaultClass;
import dev.bosun.gpu.classify.Finding;
import dev.bosun.gpu.classify.GpuHealth;
import dev.bosun.gpu.classify.GpuHealthMachine;
import dev.bosun.gpu.classify.GpuHealthPolicy;
import dev.bosun.gpu.classify.GpuHealthState;
import dev.bosun.gpu.classify.Signal;
import dev.bosun.gpu.model.GpuIdentity;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.PciAddress;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What an agent that restarts takes over from its own last {@code GpuNodeHealth} status, so that a
 * GPU broken before the restart is not reported healthy by the next run (and its quarantine lifted)
 * while nothing was fixed: per GPU, matched by UUID (indices can change), its health, {@code since}
 * and recent faults, and the node's faults. A GPU the last run reported missing ({@code present:
 * false}) and still absent stays expected, so it is still found missing; any other GPU the node no
 * longer has is dropped. The status is untrusted input: anything malformed is refused whole, naming
 * the field, and the agent starts fresh.
 *
 * @param gpus each GPU's state, rebuilt by {@link GpuHealthMachine#resumed}
 * @param missing the GPUs still missing, as last seen (identity only: their readings are gone)
 * @param faults the published faults, as the history they were published from
 */
record CarriedOver(
    Map<String, GpuHealthState> gpus, Map<String, GpuSample> missing, FaultHistory faults) {

  CarriedOver {
    gpus = Map.copyOf(gpus);
    missing = Map.copyOf(missing);
  }

  /**
   * @param present the UUIDs of the GPUs the node has now
   * @throws IllegalArgumentException naming the field, when the status is malformed
   */
  static CarriedOver from(GpuNodeHealthStatus status, Set<String> present, GpuHealthPolicy policy) {
    List<Finding> nodeFindings = new ArrayList<>();
    FaultHistory history = FaultHistory.empty(Publication.RECENT_FAULTS);
    List<GpuFault> nodeFaults = listOrEmpty(status.nodeFaults());
    for (int i = 0; i < nodeFaults.size(); i++) {
      FaultHistory.Entry e = entry(nodeFaults.get(i), null, "status.nodeFaults[" + i + "]");
      nodeFindings.add(e.finding());
      history = history.with(List.of(e.finding()), e.text());
    }
    Map<String, GpuHealthState> gpus = new HashMap<>();
    Map<String, GpuSample> missing = new HashMap<>();
    List<GpuDeviceHealth> listed = listOrEmpty(status.gpus());
    for (int i = 0; i < listed.size(); i++) {
      GpuDeviceHealth g = listed.get(i);
      String field = "status.gpus[" + i + "]";
      if (g.uuid() == null) throw malformed(field + ".uuid", "missing");
      boolean stillMissing = !present.contains(g.uuid()) && Boolean.FALSE.equals(g.present());
      if (!present.contains(g.uuid()) && !stillMissing) continue;
      if (gpus.containsKey(g.uuid())) throw malformed(field + ".uuid", g.uuid() + " listed twice");
      if (stillMissing) missing.put(g.uuid(), lastSeen(g, field));
      if (g.health() == null) throw malformed(field + ".health", "missing");
      List<Finding> mine = new ArrayList<>();
      List<GpuFault> faults = listOrEmpty(g.recentFaults());
      for (int j = 0; j < faults.size(); j++) {
        FaultHistory.Entry e = entry(faults.get(j), g.uuid(), field + ".recentFaults[" + j + "]");
        mine.add(e.finding());
        history = history.with(List.of(e.finding()), e.text());
      }
      mine.addAll(nodeFindings); // a fault that names no GPU held every GPU
      List<Instant> breaking =
          mine.stream().filter(f -> f.faultClass().breaksTheGpu()).map(Finding::at).toList();
      gpus.put(
          g.uuid(),
          GpuHealthMachine.resumed(
              health(g),
              time(g.since(), field + ".since"),
              g.reason() == null ? "" : g.reason(),
              breaking,
              policy));
    }
    return new CarriedOver(gpus, missing, history);
  }

  /** A missing GPU as the last run saw it: enough to list it and to find it missing again. */
  private static GpuSample lastSeen(GpuDeviceHealth g, String field) {
    if (g.index() == null || g.index() < 0)
      throw malformed(field + ".index", "missing or negative");
    PciAddress pci = null;
    if (g.pciBusId() != null)
      pci =
          PciAddress.parse(g.pciBusId())
              .orElseThrow(
                  () ->
                      malformed(
                          field + ".pciBusId",
                          "not a PCI address: " + Publication.cut(g.pciBusId(), 40)));
    return new GpuSample(
        new GpuIdentity(g.index(), g.uuid(), g.model(), pci),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  private static GpuHealth health(GpuDeviceHealth g) {
    return switch (g.health()) {
      case Healthy -> GpuHealth.HEALTHY;
      case Degraded -> GpuHealth.DEGRADED;
      case Unhealthy -> GpuHealth.UNHEALTHY;
    };
  }

  /** A published fault back as the finding it was published from (the PCI address is not kept). */
  private static FaultHistory.Entry entry(GpuFault f, String uuid, String field) {
    String signalName = required(f.signal(), field + ".signal");
    String className = required(f.faultClass(), field + ".class");
    Signal signal;
    FaultClass faultClass;
    try {
      signal = Signal.valueOf(signalName.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw malformed(field + ".signal", "unknown signal " + f.signal());
    }
    try {
      faultClass = FaultClass.fromWireName(className);
    } catch (IllegalArgumentException e) {
      throw malformed(field + ".class", "unknown class " + f.faultClass());
    }
    Finding finding =
        new Finding(
            signal,
            uuid,
            null,
            f.xid(),
            faultClass,
            f.action() == null ? "" : f.action(),
            f.reason() == null ? "" : f.reason(),
            time(f.at(), field + ".at"));
    return new FaultHistory.Entry(finding, f.text());
  }

  private static Instant time(String value, String field) {
    try {
      return Instant.parse(required(value, field));
    } catch (DateTimeParseException e) {
      throw malformed(field, "not an RFC 3339 time: " + Publication.cut(value, 40));
    }
  }

  private static String required(String value, String field) {
    if (value == null) throw malformed(field, "missing");
    return value;
  }

  private static <T> List<T> listOrEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static IllegalArgumentException malformed(String field, String reason) {
    return new IllegalArgumentException(field + ": " + reason);
  }
}
