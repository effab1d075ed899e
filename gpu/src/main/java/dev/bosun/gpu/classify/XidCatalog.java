package dev.bosun.gpu.classify;

import dev.bosun.gpu.kernel.NvLinkDetail;
import dev.bosun.gpu.kernel.NvLinkError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * NVIDIA's Xid catalog as data: code, class, recommended action and the catalog row it comes from.
 * Loaded from TSV files beside this class, so that changing what a code means is a data change
 * reviewed as such: {@code xid-catalog.tsv} (one row per code; codes not in it are {@link
 * FaultClass#SUPPORT}), {@code xid-154-recovery.tsv} (the recovery a Xid 154 states), {@code
 * nvlink5-decode.tsv} (Xids 144-150 by unit, IntrInfo and error status), {@code xid-74-bits.tsv}
 * (Xid 74's registers, bit by bit) and {@code sxid-catalog.tsv} (NVSwitch SXids, by code or by the
 * severity the driver writes).
 */
public final class XidCatalog {

  /** One row of the catalog, or the rule that decided a Xid's class. */
  public record Entry(int code, FaultClass faultClass, String action, String source) {
    public Entry {
      Objects.requireNonNull(faultClass);
      Objects.requireNonNull(action);
      Objects.requireNonNull(source);
    }
  }

  public static final String UNKNOWN_ACTION =
      "unknown Xid: treat as a GPU fault, collect nvidia-bug-report.sh and contact NVIDIA support";

  private static final XidCatalog BUILT_IN = load();

  private final Map<Integer, Entry> entries;
  private final Map<String, Entry> recoveryActions;
  private final List<NvLink5Rule> nvlink5Rules;

  /** Xid 74 rows by {@link #bitKey register and bit}. */
  private final Map<Integer, Entry> nvlinkErrorBits;

  /** SXid rows by code, and the two severity rows under {@link #FATAL} and {@link #NON_FATAL}. */
  private final Map<String, Entry> sxids;

  private static final String FATAL = "fatal";
  private static final String NON_FATAL = "non-fatal";

  private XidCatalog(
      Map<Integer, Entry> entries,
      Map<String, Entry> recoveryActions,
      List<NvLink5Rule> nvlink5Rules,
      Map<Integer, Entry> nvlinkErrorBits,
      Map<String, Entry> sxids) {
    this.entries = Map.copyOf(entries);
    this.recoveryActions = Map.copyOf(recoveryActions);
    this.nvlink5Rules = List.copyOf(nvlink5Rules);
    this.nvlinkErrorBits = Map.copyOf(nvlinkErrorBits);
    this.sxids = Map.copyOf(sxids);
  }

  public static XidCatalog builtIn() {
    return BUILT_IN;
  }

  public Entry lookup(int code) {
    Entry e = entries.get(code);
    return e != null
        ? e
        : new Entry(code, FaultClass.SUPPORT, UNKNOWN_ACTION, "not in the catalog");
  }

  public boolean knows(int code) {
    return entries.containsKey(code);
  }

  public Map<Integer, Entry> entries() {
    return new TreeMap<>(entries);
  }

  /** What the recovery action a Xid 154 states ({@code Node Reboot Required}) asks for. */
  public Optional<Entry> recoveryAction(String stated) {
    return Optional.ofNullable(recoveryActions.get(stated.strip().toLowerCase(Locale.ROOT)));
  }

  /**
   * The decode-table row for an NVLink5 Xid, empty when none applies (unknown unit, bit pattern or
   * error status, or fewer than two registers).
   */
  public Optional<Entry> nvlink5(int code, NvLinkDetail detail) {
    if (detail.registers().size() < 2) return Optional.empty();
    Long intrInfo = register(detail.registers().get(0));
    Long status = register(detail.registers().get(1));
    if (intrInfo == null || status == null) return Optional.empty();
    return nvlink5Rules.stream()
        .filter(r -> r.applies(code, detail.subcode(), intrInfo, status))
        .map(NvLink5Rule::entry)
        .findFirst();
  }

  /**
   * What a Xid 74's registers ask for: the worst class of its set bits, empty when a set bit has no
   * row (or none is set), so the code's own class stands.
   */
  public Optional<Entry> nvlinkError(NvLinkError error) {
    Entry worst = null;
    for (int r = 0; r < error.registers().size(); r++) {
      long value = error.registers().get(r);
      for (int bit = 0; bit < 32; bit++) {
        if ((value >>> bit & 1) == 0) continue;
        Entry row = nvlinkErrorBits.get(bitKey(r + 1, bit));
        if (row == null) return Optional.empty();
        if (worst == null || row.faultClass().compareTo(worst.faultClass()) > 0) worst = row;
      }
    }
    return Optional.ofNullable(worst);
  }

  private static int bitKey(int register, int bit) {
    return register * 32 + bit;
  }

  /** What an NVSwitch's SXid asks for: its code's row, else the row of its severity. */
  public Entry sxid(int code, boolean fatal) {
    Entry row = sxids.get(Integer.toString(code));
    if (row != null) return row;
    Entry severity = sxids.get(fatal ? FATAL : NON_FATAL);
    return new Entry(code, severity.faultClass(), severity.action(), severity.source());
  }

  /** A 32-bit register as the driver writes it, {@code 0x025001c6}; null when it is not one. */
  private static Long register(String hex) {
    String digits = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
    if (digits.isEmpty() || digits.length() > 8) return null;
    for (int i = 0; i < digits.length(); i++)
      if (Character.digit(digits.charAt(i), 16) < 0) return null;
    return Long.parseLong(digits, 16);
  }

  /** A row of {@code nvlink5-decode.tsv}; {@code statuses} empty means any error status. */
  private record NvLink5Rule(
      int code, Set<String> units, BitPattern v1, BitPattern v2, Set<Long> statuses, Entry entry) {
    boolean applies(int xid, String unit, long intrInfo, long status) {
      return xid == code
          && units.contains(unit)
          && (v1.matches(intrInfo) || v2.matches(intrInfo))
          && (statuses.isEmpty() || statuses.contains(status));
    }
  }

  /** The catalog's IntrInfo decode: 32 characters, most significant bit first, {@code -} any. */
  private record BitPattern(long care, long value) {
    static BitPattern parse(String bits) {
      if (bits.length() != 32) throw new IllegalArgumentException("want 32 bits: " + bits);
      long care = 0;
      long value = 0;
      for (char c : bits.toCharArray()) {
        if (c != '0' && c != '1' && c != '-')
          throw new IllegalArgumentException("want 0, 1 or -: " + bits);
        care = care << 1 | (c == '-' ? 0 : 1);
        value = value << 1 | (c == '1' ? 1 : 0);
      }
      return new BitPattern(care, value);
    }

    boolean matches(long register) {
      return (register & care) == value;
    }
  }

  private static XidCatalog load() {
    try (Reader codes = resource("xid-catalog.tsv");
        Reader recovery = resource("xid-154-recovery.tsv");
        Reader nvlink5 = resource("nvlink5-decode.tsv");
        Reader nvlinkErrorBits = resource("xid-74-bits.tsv");
        Reader sxids = resource("sxid-catalog.tsv")) {
      return parse(codes, recovery, nvlink5, nvlinkErrorBits, sxids);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Reader resource(String name) {
    InputStream in = XidCatalog.class.getResourceAsStream(name);
    if (in == null) throw new IllegalStateException(name + " is missing from the classpath");
    return new InputStreamReader(in, StandardCharsets.UTF_8);
  }

  /**
   * Parses the five tables (see the files' headers). A malformed row is a build-time error, so this
   * throws rather than skipping it.
   *
   * <ul>
   *   <li>codes: {@code code<TAB>class<TAB>action<TAB>source}, where code may be a range {@code
   *       39-41};
   *   <li>recovery: {@code text<TAB>class<TAB>action<TAB>source};
   *   <li>NVLink5: {@code xid<TAB>unit[/unit]<TAB>V1 bits<TAB>V2 bits<TAB>status[/status]|*<TAB>
   *       class<TAB>action<TAB>source};
   *   <li>Xid 74 bits: {@code register<TAB>bit<TAB>class<TAB>action<TAB>source}, register from 1,
   *       bit 0-31;
   *   <li>SXids: {@code code|fatal|non-fatal<TAB>class<TAB>action<TAB>source}, both severity rows
   *       required.
   * </ul>
   */
  public static XidCatalog parse(
      Reader codes, Reader recovery, Reader nvlink5, Reader nvlinkErrorBits, Reader sxids)
      throws IOException {
    Map<Integer, Entry> entries = new TreeMap<>();
    for (Row row : rows("xid catalog", codes, 4)) {
      String[] range = row.cols[0].strip().split("-");
      int from = Integer.parseInt(range[0]);
      int to = range.length == 2 ? Integer.parseInt(range[1]) : from;
      for (int code = from; code <= to; code++) {
        if (entries.put(code, row.entry(code, 1)) != null)
          throw row.problem("code " + code + " listed twice");
      }
    }
    Map<String, Entry> recoveryActions = new HashMap<>();
    for (Row row : rows("xid 154 recovery", recovery, 4)) {
      String text = row.cols[0].strip().toLowerCase(Locale.ROOT);
      if (recoveryActions.put(text, row.entry(154, 1)) != null)
        throw row.problem("action " + text + " listed twice");
    }
    List<NvLink5Rule> nvlink5Rules = new ArrayList<>();
    for (Row row : rows("nvlink5 decode", nvlink5, 8)) {
      int code = Integer.parseInt(row.cols[0].strip());
      String statuses = row.cols[4].strip();
      nvlink5Rules.add(
          new NvLink5Rule(
              code,
              Set.of(row.cols[1].strip().split("/")),
              BitPattern.parse(row.cols[2].strip()),
              BitPattern.parse(row.cols[3].strip()),
              statuses.equals("*")
                  ? Set.of()
                  : Arrays.stream(statuses.split("/"))
                      .map(s -> Objects.requireNonNull(register(s), () -> "not a register: " + s))
                      .collect(Collectors.toUnmodifiableSet()),
              row.entry(code, 5)));
    }
    Map<Integer, Entry> bits = new HashMap<>();
    for (Row row : rows("xid 74 bits", nvlinkErrorBits, 5)) {
      int register = Integer.parseInt(row.cols[0].strip());
      int bit = Integer.parseInt(row.cols[1].strip());
      if (register < 1 || bit < 0 || bit > 31)
        throw row.problem("no register " + register + " bit " + bit);
      if (bits.put(bitKey(register, bit), row.entry(74, 2)) != null)
        throw row.problem("register " + register + " bit " + bit + " listed twice");
    }
    Map<String, Entry> sxidRows = new HashMap<>();
    for (Row row : rows("sxid catalog", sxids, 4)) {
      String key = row.cols[0].strip().toLowerCase(Locale.ROOT);
      int code = key.equals(FATAL) || key.equals(NON_FATAL) ? 0 : Integer.parseInt(key);
      if (sxidRows.put(key, row.entry(code, 1)) != null) throw row.problem(key + " listed twice");
    }
    if (!sxidRows.containsKey(FATAL) || !sxidRows.containsKey(NON_FATAL))
      throw new IllegalArgumentException("sxid catalog: want a fatal and a non-fatal row");
    return new XidCatalog(entries, recoveryActions, nvlink5Rules, bits, sxidRows);
  }

  /** A data row: its columns and where it is, for errors that name the file and line. */
  private record Row(String table, int number, String[] cols) {
    /** The class, action and source in the row's last three columns, from {@code from}. */
    Entry entry(int code, int from) {
      return new Entry(
          code,
          FaultClass.fromWireName(cols[from]),
          cols[from + 1].strip(),
          cols[from + 2].strip());
    }

    IllegalArgumentException problem(String what) {
      return new IllegalArgumentException(table + " line " + number + ": " + what);
    }
  }

  private static List<Row> rows(String table, Reader reader, int columns) throws IOException {
    List<Row> rows = new ArrayList<>();
    BufferedReader in = new BufferedReader(reader);
    String line;
    int number = 0;
    while ((line = in.readLine()) != null) {
      number++;
      if (line.isBlank() || line.startsWith("#")) continue;
      Row row = new Row(table, number, line.split("\t"));
      if (row.cols.length != columns)
        throw row.problem("want " + columns + " tab-separated columns");
      rows.add(row);
    }
    return rows;
  }
}
