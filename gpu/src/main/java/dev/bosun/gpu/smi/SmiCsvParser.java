package dev.bosun.gpu.smi;

import dev.bosun.gpu.model.GpuIdentity;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.GpuSampleBuilder;
import dev.bosun.gpu.model.MigMode;
import dev.bosun.gpu.model.Parsed;
import dev.bosun.gpu.model.PciAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code nvidia-smi --query-gpu=... --format=csv[,noheader][,nounits]}. With a header the
 * fields are named by it (units such as {@code [MiB]} are dropped from the names); without one the
 * caller says which fields it asked for. Values may carry units ({@code 81559 MiB}) or not.
 */
public final class SmiCsvParser {

  /** The field list of {@code query-gpu-nounits.csv}: a compact health query. */
  public static final List<String> HEALTH_QUERY =
      List.of(
          "index",
          "uuid",
          "name",
          "temperature.gpu",
          "utilization.gpu",
          "memory.used",
          "memory.total",
          "power.draw",
          "ecc.errors.uncorrected.volatile.total",
          "remapped_rows.pending",
          "remapped_rows.failure");

  /** The rows, each a map from field name to raw value, in order. */
  public record Table(List<String> fields, List<Map<String, String>> rows) {}

  private SmiCsvParser() {}

  /** Rows of a CSV whose first line is the header. */
  public static Parsed<Table> parseWithHeader(String csv) {
    List<String> lines = lines(csv);
    if (lines.isEmpty()) return Parsed.failed("empty CSV");
    List<String> fields = split(lines.getFirst()).stream().map(SmiCsvParser::fieldName).toList();
    return rows(fields, lines.subList(1, lines.size()));
  }

  /** Rows of a CSV without header, for the fields given (in the order they were asked for). */
  public static Parsed<Table> parseNoHeader(String csv, List<String> fields) {
    return rows(List.copyOf(fields), lines(csv));
  }

  private static Parsed<Table> rows(List<String> fields, List<String> lines) {
    List<Map<String, String>> rows = new ArrayList<>();
    long unparsed = 0;
    List<String> problems = new ArrayList<>();
    for (String line : lines) {
      List<String> values = split(line);
      if (values.size() != fields.size()) {
        unparsed++;
        if (problems.size() < 20)
          problems.add("row with %d values, want %d".formatted(values.size(), fields.size()));
        continue;
      }
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < fields.size(); i++) row.put(fields.get(i), values.get(i));
      rows.add(row);
    }
    return Parsed.of(new Table(fields, rows), unparsed, problems);
  }

  /**
   * GPU samples from the rows that identify a GPU (uuid and name). A row without them (a trace of
   * utilisation only) is counted as unparsed for this purpose.
   */
  public static Parsed<List<GpuSample>> samples(Table table) {
    Fields f = new Fields();
    List<GpuSample> samples = new ArrayList<>();
    int rowNumber = 0;
    for (Map<String, String> row : table.rows()) {
      int position = rowNumber++;
      String uuid = row.get("uuid");
      String name = row.get("name");
      if (Fields.notAvailable(uuid) || Fields.notAvailable(name)) {
        f.problem("row " + position + " names no GPU (uuid and name are needed)");
        continue;
      }
      Long index = f.integer("index", row.get("index"));
      PciAddress pci =
          row.containsKey("pci.bus_id")
              ? PciAddress.parse(row.get("pci.bus_id")).orElse(null)
              : null;
      GpuSampleBuilder b =
          new GpuSampleBuilder(
              new GpuIdentity(
                  index == null || index < 0 || index > 1024 ? position : index.intValue(),
                  uuid.strip(),
                  name.strip(),
                  pci));
      b.memoryMiB(
          f.integer("memory.total", row.get("memory.total")),
          f.integer("memory.used", row.get("memory.used")),
          f.integer("memory.free", row.get("memory.free")));
      b.utilisation(
          f.integer("utilization.gpu", row.get("utilization.gpu")),
          f.integer("utilization.memory", row.get("utilization.memory")));
      b.temperatureCelsius(f.integer("temperature.gpu", row.get("temperature.gpu")));
      b.powerWatts(f.decimal("power.draw", row.get("power.draw")));
      String reasons =
          row.containsKey("clocks_event_reasons.active")
              ? row.get("clocks_event_reasons.active")
              : row.get("clocks_throttle_reasons.active");
      b.clockEventReasons(f.hex("clocks_event_reasons.active", reasons));
      b.ecc(
          f.integer(
              "ecc.errors.corrected.volatile.total",
              row.get("ecc.errors.corrected.volatile.total")),
          f.integer(
              "ecc.errors.uncorrected.volatile.total",
              row.get("ecc.errors.uncorrected.volatile.total")),
          f.integer(
              "ecc.errors.corrected.aggregate.total",
              row.get("ecc.errors.corrected.aggregate.total")),
          f.integer(
              "ecc.errors.uncorrected.aggregate.total",
              row.get("ecc.errors.uncorrected.aggregate.total")));
      b.remappedRows(
          f.integer("remapped_rows.correctable", row.get("remapped_rows.correctable")),
          f.integer("remapped_rows.uncorrectable", row.get("remapped_rows.uncorrectable")),
          f.yesNo("remapped_rows.pending", row.get("remapped_rows.pending")),
          f.yesNo("remapped_rows.failure", row.get("remapped_rows.failure")));
      b.retiredPagesPending(f.yesNo("retired_pages.pending", row.get("retired_pages.pending")));
      String mig = row.get("mig.mode.current");
      if (mig != null) b.migMode(new MigMode(migState(mig), migState(row.get("mig.mode.pending"))));
      for (String r : b.rejected()) f.problem("GPU " + uuid.strip() + ": implausible " + r);
      samples.add(b.build());
    }
    return Parsed.of(List.copyOf(samples), f.unparsed(), f.problems());
  }

  private static MigMode.State migState(String raw) {
    if (raw == null) return MigMode.State.NOT_SUPPORTED;
    return switch (raw.strip()) {
      case "Enabled" -> MigMode.State.ENABLED;
      case "Disabled" -> MigMode.State.DISABLED;
      default -> MigMode.State.NOT_SUPPORTED;
    };
  }

  /** {@code "memory.used [MiB]"} names the field {@code memory.used}. */
  static String fieldName(String header) {
    String h = header.strip();
    int unit = h.indexOf(" [");
    return unit > 0 ? h.substring(0, unit) : h;
  }

  /** nvidia-smi never quotes: values are separated by ", " and contain no commas. */
  static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    for (String v : line.split(",", -1)) out.add(v.strip());
    return out;
  }

  private static List<String> lines(String csv) {
    List<String> out = new ArrayList<>();
    for (String l : csv.split("\\R")) if (!l.isBlank()) out.add(l);
    return out;
  }
}
