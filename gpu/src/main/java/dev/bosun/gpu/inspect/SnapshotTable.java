package dev.bosun.gpu.inspect;

import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.NodeSnapshot;

/** A node snapshot as a table for people, one GPU per row. */
public final class SnapshotTable {

  private SnapshotTable() {}

  public static String render(NodeSnapshot s, String source) {
    StringBuilder b = new StringBuilder();
    b.append("driver ")
        .append(orDash(s.driverVersion()))
        .append("  NVML ")
        .append(orDash(s.nvmlVersion()))
        .append("  CUDA ")
        .append(orDash(s.cudaVersion()))
        .append("  (from ")
        .append(source)
        .append(")\n");
    String fmt = "%-3s %-40s %-24s %-16s %5s %7s %13s %5s %-24s %7s %-14s%n";
    b.append(
        fmt.formatted(
            "GPU",
            "UUID",
            "NAME",
            "PCI",
            "TEMP",
            "POWER",
            "MEMORY",
            "UTIL",
            "CLOCK EVENTS",
            "DBE VOL",
            "ROW REMAP"));
    for (GpuSample g : s.gpus()) {
      b.append(
          fmt.formatted(
              g.identity().index(),
              g.uuid(),
              g.identity().name(),
              g.identity().pci() == null ? "-" : g.identity().pci().toString(),
              g.temperatureCelsius() == null ? "-" : g.temperatureCelsius() + "C",
              g.powerWatts() == null ? "-" : "%.0fW".formatted(g.powerWatts()),
              g.memory() == null ? "-" : g.memory().usedMiB() + "/" + g.memory().totalMiB(),
              g.utilisation() == null ? "-" : g.utilisation().gpuPercent() + "%",
              g.clockEventReasons() == null ? "-" : String.join(",", g.clockEventReasons().names()),
              g.ecc() == null ? "-" : Long.toString(g.ecc().volatileUncorrected()),
              g.remappedRows() == null
                  ? "-"
                  : g.remappedRows().failure()
                      ? "FAILURE"
                      : g.remappedRows().pending() ? "pending" : "ok"));
    }
    return b.toString();
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }
}
