package dev.bosun.gpu.classify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * NVIDIA's Xid catalog as data: code, class, recommended action. Loaded from {@code
 * xid-catalog.tsv} beside this class, so that changing what a code means is a data change reviewed
 * as such. Codes not in the file are {@link FaultClass#SUPPORT}.
 */
public final class XidCatalog {

  /** One row of the catalog. */
  public record Entry(int code, FaultClass faultClass, String action) {
    public Entry {
      Objects.requireNonNull(faultClass);
      Objects.requireNonNull(action);
    }
  }

  public static final String UNKNOWN_ACTION =
      "unknown Xid: treat as a GPU fault, collect nvidia-bug-report.sh and contact NVIDIA support";

  private static final XidCatalog BUILT_IN = load();

  private final Map<Integer, Entry> entries;

  private XidCatalog(Map<Integer, Entry> entries) {
    this.entries = Map.copyOf(entries);
  }

  public static XidCatalog builtIn() {
    return BUILT_IN;
  }

  public Entry lookup(int code) {
    Entry e = entries.get(code);
    return e != null ? e : new Entry(code, FaultClass.SUPPORT, UNKNOWN_ACTION);
  }

  public boolean knows(int code) {
    return entries.containsKey(code);
  }

  public Map<Integer, Entry> entries() {
    return new TreeMap<>(entries);
  }

  private static XidCatalog load() {
    try (InputStream in = XidCatalog.class.getResourceAsStream("xid-catalog.tsv")) {
      if (in == null)
        throw new IllegalStateException("xid-catalog.tsv is missing from the classpath");
      return parse(new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses the TSV: {@code code<TAB>class<TAB>action}, where code may be a range {@code 39-41};
   * {@code #} starts a comment. A malformed row is a build-time error, so this throws rather than
   * skipping it.
   */
  public static XidCatalog parse(Reader reader) throws IOException {
    Map<Integer, Entry> entries = new TreeMap<>();
    BufferedReader in = new BufferedReader(reader);
    String line;
    int number = 0;
    while ((line = in.readLine()) != null) {
      number++;
      if (line.isBlank() || line.startsWith("#")) continue;
      String[] cols = line.split("\t");
      if (cols.length != 3)
        throw new IllegalArgumentException(
            "xid catalog line " + number + ": want 3 tab-separated columns");
      String[] range = cols[0].strip().split("-");
      int from = Integer.parseInt(range[0]);
      int to = range.length == 2 ? Integer.parseInt(range[1]) : from;
      FaultClass cls = FaultClass.fromWireName(cols[1]);
      for (int code = from; code <= to; code++) {
        if (entries.put(code, new Entry(code, cls, cols[2].strip())) != null) {
          throw new IllegalArgumentException(
              "xid catalog line " + number + ": code " + code + " listed twice");
        }
      }
    }
    return new XidCatalog(entries);
  }
}
