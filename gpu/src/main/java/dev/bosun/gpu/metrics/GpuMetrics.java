package dev.bosun.gpu.metrics;

import dev.bosun.gpu.classify.GpuHealth;
import dev.bosun.gpu.classify.XidTally;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.NodeSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The node agent's {@code /metrics}: dcgm-exporter's metric names, types, help texts and labels
 * ({@code gpu, UUID, pci_bus_id, device, modelName, Hostname}), so existing DCGM dashboards work
 * unchanged, plus Bosun's own: {@code bosun_gpu_xid_errors_total} (a real counter per Xid code,
 * which {@code DCGM_FI_DEV_XID_ERRORS}, a gauge of the last code, is not), {@code bosun_gpu_health}
 * and {@code bosun_gpu_unparsed_input_total}. Pure: a snapshot and state in, text out.
 *
 * <p>A GPU a pod holds carries dcgm-exporter's {@code namespace}, {@code pod} and {@code container}
 * labels on its dcgm families and Bosun's gauges, once per holder (a GPU shared by two pods has a
 * series for each, so each pod sees the GPU it uses); a free GPU has none. Bosun's per-GPU counters
 * ({@code bosun_gpu_xid_errors_total}) and {@code bosun_gpu_health} stay per GPU, so they do not
 * start over whenever the GPU changes hands.
 */
public final class GpuMetrics {

  /**
   * What the exposition needs besides the snapshot.
   *
   * @param holdersByUuid the pods holding each GPU, by the GPU's UUID; a GPU absent is free
   */
  public record State(
      String hostname,
      Map<String, GpuHealth> healthByUuid,
      XidTally xids,
      Map<String, Long> unparsedBySource,
      Map<String, List<GpuHolder>> holdersByUuid) {
    public State {
      healthByUuid = Map.copyOf(healthByUuid);
      unparsedBySource = Map.copyOf(unparsedBySource);
      holdersByUuid = Map.copyOf(holdersByUuid);
    }

    /** A state in which no GPU is held by a pod. */
    public State(
        String hostname,
        Map<String, GpuHealth> healthByUuid,
        XidTally xids,
        Map<String, Long> unparsedBySource) {
      this(hostname, healthByUuid, xids, unparsedBySource, Map.of());
    }
  }

  private GpuMetrics() {}

  /** One dcgm-style family: a value per GPU, or {@code null} when the sample lacks it. */
  private record Family(String name, String type, String help, Function<GpuSample, Number> value) {}

  private static final List<Family> PER_GPU =
      List.of(
          new Family(
              "DCGM_FI_DEV_GPU_UTIL",
              "gauge",
              "GPU utilization (in %).",
              g -> g.utilisation() == null ? null : g.utilisation().gpuPercent()),
          new Family(
              "DCGM_FI_DEV_MEM_COPY_UTIL",
              "gauge",
              "Memory utilization (in %).",
              g -> g.utilisation() == null ? null : g.utilisation().memoryPercent()),
          new Family(
              "DCGM_FI_DEV_FB_FREE",
              "gauge",
              "Framebuffer memory free (in MiB).",
              g -> g.memory() == null ? null : g.memory().freeMiB()),
          new Family(
              "DCGM_FI_DEV_FB_USED",
              "gauge",
              "Framebuffer memory used (in MiB).",
              g -> g.memory() == null ? null : g.memory().usedMiB()),
          new Family(
              "DCGM_FI_DEV_GPU_TEMP",
              "gauge",
              "GPU temperature (in C).",
              GpuSample::temperatureCelsius),
          new Family(
              "DCGM_FI_DEV_POWER_USAGE", "gauge", "Power draw (in W).", GpuSample::powerWatts),
          new Family(
              "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL",
              "counter",
              "Total number of single-bit volatile ECC errors.",
              g -> g.ecc() == null ? null : g.ecc().volatileCorrected()),
          new Family(
              "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL",
              "counter",
              "Total number of double-bit volatile ECC errors.",
              g -> g.ecc() == null ? null : g.ecc().volatileUncorrected()),
          new Family(
              "DCGM_FI_DEV_ECC_SBE_AGG_TOTAL",
              "counter",
              "Total number of single-bit persistent ECC errors.",
              g -> g.ecc() == null ? null : g.ecc().aggregateCorrected()),
          new Family(
              "DCGM_FI_DEV_ECC_DBE_AGG_TOTAL",
              "counter",
              "Total number of double-bit persistent ECC errors.",
              g -> g.ecc() == null ? null : g.ecc().aggregateUncorrected()),
          new Family(
              "DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS",
              "counter",
              "Number of remapped rows for uncorrectable errors",
              g -> g.remappedRows() == null ? null : g.remappedRows().uncorrectable()),
          new Family(
              "DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS",
              "counter",
              "Number of remapped rows for correctable errors",
              g -> g.remappedRows() == null ? null : g.remappedRows().correctable()),
          new Family(
              "DCGM_FI_DEV_ROW_REMAP_FAILURE",
              "gauge",
              "Whether remapping of rows has failed",
              g -> g.remappedRows() == null ? null : g.remappedRows().failure() ? 1 : 0),
          new Family(
              "bosun_gpu_row_remap_pending",
              "gauge",
              "Whether a row remap waits for a GPU reset (1) or not (0).",
              g -> g.remappedRows() == null ? null : g.remappedRows().pending() ? 1 : 0),
          new Family(
              "bosun_gpu_clock_event_reasons",
              "gauge",
              "NVML clock-event reasons bitmask (0x1 idle, 0x4 software power cap, 0x20/0x40 thermal slowdown, 0x80 power brake).",
              g -> g.clockEventReasons() == null ? null : g.clockEventReasons().bits()));

  /**
   * The whole exposition. Families come one after another, each with all its GPUs, as the format
   * requires (a family's samples must not be interleaved with another's).
   */
  public static String render(NodeSnapshot snapshot, State state) {
    PrometheusText t = new PrometheusText();
    for (Family f : PER_GPU) {
      for (GpuSample g : snapshot.gpus()) {
        Number v = f.value().apply(g);
        if (v == null) continue;
        t.family(f.name(), f.type(), f.help());
        for (Map<String, String> l : heldLabels(g, state)) t.sample(f.name(), l, v.doubleValue());
      }
    }
    for (GpuSample g : snapshot.gpus()) {
      t.family("DCGM_FI_DEV_XID_ERRORS", "gauge", "Value of the last XID error encountered.");
      Integer last = state.xids().last().get(g.uuid());
      if (last == null && g.identity().pci() != null)
        last = state.xids().last().get(g.identity().pci().toString());
      for (Map<String, String> l : heldLabels(g, state))
        t.sample("DCGM_FI_DEV_XID_ERRORS", l, last == null ? 0 : last);
    }
    for (GpuSample g : snapshot.gpus()) {
      Map<Integer, Long> byCode = new TreeMap<>(state.xids().on(g.uuid()));
      if (g.identity().pci() != null)
        state
            .xids()
            .on(g.identity().pci().toString())
            .forEach((c, n) -> byCode.merge(c, n, Long::sum));
      t.family(
          "bosun_gpu_xid_errors_total",
          "counter",
          "Xid errors seen in the kernel log or through NVML, per GPU and code.");
      for (Map.Entry<Integer, Long> e : byCode.entrySet()) {
        Map<String, String> l = new LinkedHashMap<>(labels(g, state.hostname()));
        l.put("code", Integer.toString(e.getKey()));
        t.sample("bosun_gpu_xid_errors_total", l, e.getValue());
      }
    }
    for (GpuSample g : snapshot.gpus()) {
      GpuHealth health = state.healthByUuid().getOrDefault(g.uuid(), GpuHealth.HEALTHY);
      t.family(
          "bosun_gpu_health",
          "gauge",
          "1 for the GPU's current health state (healthy, degraded, unhealthy), 0 for the others.");
      for (GpuHealth h : GpuHealth.values()) {
        Map<String, String> l = new LinkedHashMap<>(labels(g, state.hostname()));
        l.put("state", h.wireName());
        t.sample("bosun_gpu_health", l, h == health ? 1 : 0);
      }
    }
    t.family(
        "bosun_gpu_unparsed_input_total",
        "counter",
        "Input a GPU source could not read (garbage, cut or overlong lines, absurd values), per source.");
    new TreeMap<>(state.unparsedBySource())
        .forEach(
            (source, n) -> t.sample("bosun_gpu_unparsed_input_total", Map.of("source", source), n));
    return t.toString();
  }

  /** The GPU's labels once per pod holding it, with the pod's; the GPU's alone when it is free. */
  static List<Map<String, String>> heldLabels(GpuSample g, State state) {
    List<GpuHolder> holders = state.holdersByUuid().getOrDefault(g.uuid(), List.of());
    if (holders.isEmpty()) return List.of(labels(g, state.hostname()));
    List<Map<String, String>> all = new ArrayList<>(holders.size());
    for (GpuHolder h : holders) {
      Map<String, String> l = labels(g, state.hostname());
      if (h.container() != null) l.put("container", h.container());
      l.put("namespace", h.namespace());
      l.put("pod", h.pod());
      all.add(l);
    }
    return all;
  }

  static Map<String, String> labels(GpuSample g, String hostname) {
    Map<String, String> l = new LinkedHashMap<>();
    l.put("gpu", Integer.toString(g.identity().index()));
    l.put("UUID", g.uuid());
    l.put("pci_bus_id", g.identity().pci() == null ? "" : g.identity().pci().nvmlForm());
    l.put("device", g.identity().deviceName());
    l.put("modelName", g.identity().name());
    l.put("Hostname", hostname);
    return l;
  }
}
