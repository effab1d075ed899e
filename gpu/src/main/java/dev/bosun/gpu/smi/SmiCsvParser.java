package dev.bosun.gpu.smi;

import dev.bosun.gpu.model.GpuIdentity;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.GpuSampleBuilder;
import dev.bosun.gpu.model.MigMode;
import dev.bosun.gpu.model.Parsed;
import dev.bosun.gpu.model.PciAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code nvidia-smi --query-gpu=... --format=csv[,noheader][,nounits]}. With a header the
 * fields are named by it (units such as {@code [MiB]} are dropped from the names); without one the
 * caller says which fields it asked for. Values may carry units ({@code 81559 MiB}) or not.
 *
 * <p>Limits, checked before the work they bound: a CSV over {@link #MAX_CHARS} or a header of more
 * than {@link #MAX_COLUMNS} fields is refused; rows after {@link #MAX_ROWS} good ones are counted,
 * not read; a row with the wrong number of values is counted before it is split.
 */
public final class SmiCsvParser {

  /**
   * A sample of 34 fields on 8 GPUs is about 1 KiB; a minute's trace at 4 samples a second fits.
   */
  public static final int MAX_CHARS = 4 * 1024 * 1024;

  public static final int MAX_ROWS = 16 * 1024;

  /** More than twice the 218 fields {@code nvidia-smi --help-query-gpu} lists (driver 580). */
  public static final int MAX_COLUMNS = 512;

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
    if (csv.length() > MAX_CHARS) return tooLong(csv);
    Iterator<String> lines = lines(csv);
    if (!lines.hasNext()) return Parsed.failed("empty CSV");
    String header = lines.next();
    if (values(header) > MAX_COLUMNS)
      return Parsed.failed("CSV header of more than %d fields".formatted(MAX_COLUMNS));
    return rows(split(header).stream().map(SmiCsvParser::fieldName).toList(), lines);
  }

  /** Rows of a CSV without header, for the fields given (in the order they were asked for). */
  public static Parsed<Table> parseNoHeader(String csv, List<String> fields) {
    if (csv.length() > MAX_CHARS) return tooLong(csv);
    return rows(List.copyOf(fields), lines(csv));
  }

  private static Parsed<Table> tooLong(String csv) {
    return Parsed.failed(
        "CSV of %d characters is over the limit of %d".formatted(csv.length(), MAX_CHARS));
  }

  private static Parsed<Table> rows(List<String> fields, Iterator<String> lines) {
    List<Map<String, String>> rows = new ArrayList<>();
    long unparsed = 0;
    long beyond = 0;
    List<String> problems = new ArrayList<>();
    while (lines.hasNext()) {
      String line = lines.next();
      if (rows.size() == MAX_ROWS) {
        beyond++;
        continue;
      }
      int count = values(line);
      if (count != fields.size()) {
        unparsed++;
        if (problems.size() < 20)
          problems.add("row with %d values, want %d".formatted(count, fields.size()));
        continue;
      }
      List<String> values = split(line);
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < fields.size(); i++) row.put(fields.get(i), values.get(i));
      rows.add(row);
    }
    if (beyond > 0) problems.add("%d rows after the first %d not read".formatted(beyond, MAX_ROWS));
    return Parsed.of(new Table(fields, rows), unparsed + beyond, problems);
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

  /** How many values {@link #split} would make of {@code line}, without making them. */
  private static int values(String line) {
    return 1 + (int) line.chars().filter(c -> c == ',').count();
  }

  /** The non-blank lines, one at a time: a huge CSV is never held as a list of lines. */
  private static Iterator<String> lines(String csv) {
    return csv.lines().filter(l -> !l.isBlank()).iterator();
  }
}
