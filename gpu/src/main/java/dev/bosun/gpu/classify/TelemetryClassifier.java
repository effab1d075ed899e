package dev.bosun.gpu.classify;

import dev.bosun.gpu.model.ClockEventReasons;
import dev.bosun.gpu.model.EccCounts;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.RemappedRows;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Classifies what polling shows (ECC, row remapping, retired pages, slowdown, missing GPUs). Pure:
 * it compares two samples; the caller keeps the previous one.
 */
public final class TelemetryClassifier {

  private TelemetryClassifier() {}

  /**
   * Findings for one GPU. {@code previous} is the last sample of the same GPU, or {@code null} at
   * the first sample: then any uncorrectable volatile ECC count is news, since volatile counts
   * start at zero when the driver loads.
   */
  public static List<Finding> findings(GpuSample previous, GpuSample current, Instant now) {
    List<Finding> found = new ArrayList<>();
    EccCounts ecc = current.ecc();
    if (ecc != null) {
      EccCounts before =
          previous == null || previous.ecc() == null ? EccCounts.ZERO : previous.ecc();
      long volatileGrowth = ecc.volatileUncorrected() - before.volatileUncorrected();
      long aggregateGrowth =
          previous == null ? 0 : ecc.aggregateUncorrected() - before.aggregateUncorrected();
      if (volatileGrowth > 0 || aggregateGrowth > 0) {
        found.add(
            gpu(
                current,
                Signal.ECC_UNCORRECTABLE,
                FaultClass.GPU,
                "reset the GPU",
                "uncorrectable ECC errors rose (volatile %d -> %d, aggregate %d -> %d)"
                    .formatted(
                        before.volatileUncorrected(), ecc.volatileUncorrected(),
                        before.aggregateUncorrected(), ecc.aggregateUncorrected()),
                now));
      }
    }
    RemappedRows rows = current.remappedRows();
    if (rows != null && rows.failure()) {
      found.add(
          gpu(
              current,
              Signal.ROW_REMAP_FAILURE,
              FaultClass.SUPPORT,
              "take the GPU out of service for good and contact support (no spare rows left)",
              "row remapping failed",
              now));
    } else if (rows != null && rows.pending()) {
      found.add(
          gpu(
              current,
              Signal.ROW_REMAP_PENDING,
              FaultClass.GPU,
              "reset the GPU to apply the row remap",
              "row remap pending (%d uncorrectable rows remapped)".formatted(rows.uncorrectable()),
              now));
    }
    if (Boolean.TRUE.equals(current.retiredPagesPending())) {
      found.add(
          gpu(
              current,
              Signal.RETIRED_PAGES_PENDING,
              FaultClass.GPU,
              "reset the GPU to retire the pages",
              "page retirement pending",
              now));
    }
    ClockEventReasons reasons = current.clockEventReasons();
    if (reasons != null && reasons.thermalSlowdown()) {
      found.add(
          gpu(
              current,
              Signal.THERMAL_SLOWDOWN,
              FaultClass.DEGRADED,
              "check cooling; no quarantine",
              "thermal slowdown (" + String.join(", ", reasons.names()) + ")",
              now));
    }
    if (reasons != null && reasons.powerSlowdown()) {
      found.add(
          gpu(
              current,
              Signal.POWER_SLOWDOWN,
              FaultClass.DEGRADED,
              "check power delivery; no quarantine",
              "hardware slowdown or power brake (" + String.join(", ", reasons.names()) + ")",
              now));
    }
    return List.copyOf(found);
  }

  /**
   * Node-level findings: GPUs that were there before and are gone now. {@code expectedUuids} is
   * what the node had when the agent started (or what the operator recorded).
   */
  public static List<Finding> missingGpus(
      Set<String> expectedUuids, NodeSnapshot snapshot, Instant now) {
    Set<String> present = new HashSet<>();
    for (GpuSample g : snapshot.gpus()) present.add(g.uuid());
    List<Finding> found = new ArrayList<>();
    expectedUuids.stream()
        .sorted()
        .filter(u -> !present.contains(u))
        .forEach(
            u ->
                found.add(
                    new Finding(
                        Signal.GPU_MISSING,
                        u,
                        null,
                        null,
                        FaultClass.NODE,
                        "reboot the node; if the GPU stays missing, check it physically",
                        "GPU "
                            + u
                            + " is missing: expected "
                            + expectedUuids.size()
                            + ", found "
                            + present.size(),
                        now)));
    return List.copyOf(found);
  }

  /** NVML itself failed (init, device count, a lost GPU): the node cannot vouch for its GPUs. */
  public static Finding nvmlFailure(String what, Instant now) {
    return new Finding(
        Signal.NVML_FAILURE,
        null,
        null,
        null,
        FaultClass.NODE,
        "check the driver (dmesg, nvidia-smi); reboot the node if it does not recover",
        what,
        now);
  }

  private static Finding gpu(
      GpuSample g, Signal signal, FaultClass cls, String action, String detail, Instant now) {
    return new Finding(signal, g.uuid(), g.identity().pci(), null, cls, action, detail, now);
  }
}
