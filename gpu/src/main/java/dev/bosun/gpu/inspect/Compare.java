package dev.bosun.gpu.inspect;

import dev.bosun.gpu.ExitCodes;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.Parsed;
import dev.bosun.gpu.nvml.Nvml;
import dev.bosun.gpu.smi.SmiXmlParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Field-by-field comparison of what NVML (through this module) and {@code nvidia-smi -q -x} report
 * for the same GPUs, for validation on a real machine. Values that move between two reads
 * (temperature, power, utilisation, used memory) are compared with a tolerance.
 *
 * <p>{@code java -cp bosun-gpu.jar dev.bosun.gpu.inspect.Compare nvidia-smi-q.xml}: prints one line
 * per field, exit 0 when every field agrees, 1 when one does not, {@value ExitCodes#UNAVAILABLE}
 * when NVML cannot be used.
 */
public final class Compare {

  /** One compared field. */
  public record Row(
      int gpu, String field, String nvml, String smi, String tolerance, boolean agrees) {}

  private Compare() {}

  public static List<Row> compare(NodeSnapshot nvml, NodeSnapshot smi) {
    List<Row> rows = new ArrayList<>();
    rows.add(exact(-1, "driverVersion", nvml.driverVersion(), smi.driverVersion()));
    rows.add(exact(-1, "cudaVersion", nvml.cudaVersion(), smi.cudaVersion()));
    rows.add(exact(-1, "gpuCount", nvml.gpus().size(), smi.gpus().size()));
    for (GpuSample n : nvml.gpus()) {
      int i = n.identity().index();
      GpuSample s = smi.byUuid(n.uuid()).orElse(null);
      if (s == null) {
        rows.add(new Row(i, "uuid", n.uuid(), "(absent)", "exact", false));
        continue;
      }
      rows.add(exact(i, "uuid", n.uuid(), s.uuid()));
      rows.add(exact(i, "name", n.identity().name(), s.identity().name()));
      rows.add(exact(i, "pciBusId", n.identity().pci(), s.identity().pci()));
      if (n.memory() != null || s.memory() != null) {
        rows.add(
            exact(
                i,
                "memory.totalMiB",
                n.memory() == null ? null : n.memory().totalMiB(),
                s.memory() == null ? null : s.memory().totalMiB()));
        // NVML v1 counts the driver's reservation as used; allow for it.
        rows.add(
            near(
                i,
                "memory.usedMiB",
                n.memory() == null ? null : n.memory().usedMiB(),
                s.memory() == null ? null : s.memory().usedMiB(),
                1024));
        rows.add(
            near(
                i,
                "memory.freeMiB",
                n.memory() == null ? null : n.memory().freeMiB(),
                s.memory() == null ? null : s.memory().freeMiB(),
                1024));
      }
      rows.add(
          near(
              i,
              "utilisation.gpuPercent",
              n.utilisation() == null ? null : n.utilisation().gpuPercent(),
              s.utilisation() == null ? null : s.utilisation().gpuPercent(),
              20));
      rows.add(near(i, "temperatureCelsius", n.temperatureCelsius(), s.temperatureCelsius(), 5));
      rows.add(near(i, "powerWatts", n.powerWatts(), s.powerWatts(), 80));
      rows.add(
          exact(
              i,
              "clockEventReasons.thermalOrPowerSlowdown",
              n.clockEventReasons() == null
                  ? null
                  : n.clockEventReasons().thermalSlowdown()
                      || n.clockEventReasons().powerSlowdown(),
              s.clockEventReasons() == null
                  ? null
                  : s.clockEventReasons().thermalSlowdown()
                      || s.clockEventReasons().powerSlowdown()));
      rows.add(exact(i, "ecc", n.ecc(), s.ecc()));
      rows.add(exact(i, "remappedRows", n.remappedRows(), s.remappedRows()));
      rows.add(exact(i, "migMode", n.migMode(), s.migMode()));
    }
    return List.copyOf(rows);
  }

  private static Row exact(int gpu, String field, Object nvml, Object smi) {
    return new Row(
        gpu, field, String.valueOf(nvml), String.valueOf(smi), "exact", Objects.equals(nvml, smi));
  }

  private static Row near(int gpu, String field, Number nvml, Number smi, double tolerance) {
    boolean agrees =
        nvml == null || smi == null
            ? Objects.equals(nvml, smi)
            : Math.abs(nvml.doubleValue() - smi.doubleValue()) <= tolerance;
    return new Row(gpu, field, String.valueOf(nvml), String.valueOf(smi), "±" + tolerance, agrees);
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: Compare <nvidia-smi -q -x output file>");
      System.exit(ExitCodes.INVALID_INPUT);
    }
    Instant now = Instant.now();
    Parsed<NodeSnapshot> smi = SmiXmlParser.parse(Files.readString(Path.of(args[0])), now);
    if (smi.value().isEmpty()) {
      System.err.println("cannot read " + args[0] + ": " + smi.problems());
      System.exit(ExitCodes.FAILED);
    }
    NodeSnapshot nvml;
    switch (Nvml.open()) {
      case Nvml.Unavailable u -> {
        System.err.println("NVML: " + u.reason());
        System.exit(ExitCodes.UNAVAILABLE);
        return;
      }
      case Nvml.Opened(Nvml lib) -> {
        try (lib) {
          Parsed<NodeSnapshot> s = lib.snapshot(now);
          if (s.value().isEmpty()) {
            System.err.println("NVML snapshot failed: " + s.problems());
            System.exit(ExitCodes.FAILED);
          }
          if (s.unparsed() > 0) System.err.println("NVML unreadable values: " + s.problems());
          nvml = s.value().get();
        }
      }
    }
    boolean all = true;
    System.out.printf(
        "%-4s %-42s %-44s %-44s %-8s %s%n",
        "GPU", "FIELD", "NVML (bosun)", "nvidia-smi -q -x (bosun parser)", "TOL", "RESULT");
    for (Row r : compare(nvml, smi.value().get())) {
      all &= r.agrees();
      System.out.printf(
          "%-4s %-42s %-44s %-44s %-8s %s%n",
          r.gpu() < 0 ? "-" : r.gpu(),
          r.field(),
          r.nvml(),
          r.smi(),
          r.tolerance(),
          r.agrees() ? "ok" : "DIFFERS");
    }
    System.out.println(all ? "ALL FIELDS AGREE" : "SOME FIELDS DIFFER");
    System.exit(all ? ExitCodes.OK : ExitCodes.FAILED);
  }
}
