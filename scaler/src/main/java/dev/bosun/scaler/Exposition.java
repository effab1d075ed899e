package dev.bosun.scaler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A bounded reader of the Prometheus text exposition format (version 0.0.4), as model servers serve
 * it at {@code /metrics} (and the node agent, with dcgm-exporter's names): {@code
 * name{label="value",...} value [timestamp]} lines, comments and blank lines. It keeps only the
 * samples whose name is wanted. A line it cannot read is skipped and counted, never fatal: one odd
 * line must not hide the gauge the scaler needs.
 *
 * <p>Limits, checked before the work: a body of at most {@link #MAX_BODY_CHARS} characters (the
 * scraper reads no more bytes than that), {@link #MAX_LINES} lines (the rest is not read, and the
 * result says so), {@link #MAX_LINE_CHARS} characters per line and {@link #MAX_LABELS} labels per
 * sample (such lines are skipped).
 */
public final class Exposition {
  public static final int MAX_BODY_CHARS = 1024 * 1024;
  public static final int MAX_LINES = 20_000;
  public static final int MAX_LINE_CHARS = 8 * 1024;
  public static final int MAX_LABELS = 64;

  /** dcgm-exporter's labels of the pod that holds a GPU. */
  public static final String NAMESPACE_LABEL = "namespace";

  public static final String POD_LABEL = "pod";

  private Exposition() {}

  /** One sample: a series' name, its labels and its value (which may be NaN or infinite). */
  public record Sample(String name, Map<String, String> labels, double value) {
    public Sample {
      labels = Map.copyOf(labels);
    }
  }

  /**
   * What was read: the wanted samples, how many lines were skipped as unreadable, and whether the
   * body was cut at a limit.
   */
  public record Parsed(List<Sample> samples, int skippedLines, boolean truncated) {
    public Parsed {
      samples = List.copyOf(samples);
    }

    /**
     * The sum of the finite values of the series named {@code name}, or null when there is none.
     */
    public Double sum(String name) {
      double sum = 0;
      boolean any = false;
      for (Sample s : samples) {
        if (s.name().equals(name) && Double.isFinite(s.value())) {
          sum += s.value();
          any = true;
        }
      }
      return any ? sum : null;
    }

    /**
     * Per pod, the mean of the finite values of the series named {@code name} labelled with that
     * pod ({@link #NAMESPACE_LABEL} and {@link #POD_LABEL}, as the node agent labels a GPU a pod
     * holds); a series without both labels is held by no pod and left out.
     */
    public Map<PodKey, Double> meanByPod(String name) {
      return Map.copyOf(
          samples.stream()
              .filter(s -> s.name().equals(name) && Double.isFinite(s.value()))
              .filter(s -> held(s.labels()))
              .collect(
                  Collectors.groupingBy(
                      s -> new PodKey(s.labels().get(NAMESPACE_LABEL), s.labels().get(POD_LABEL)),
                      Collectors.averagingDouble(Sample::value))));
    }

    private static boolean held(Map<String, String> labels) {
      String namespace = labels.get(NAMESPACE_LABEL);
      String pod = labels.get(POD_LABEL);
      return namespace != null && !namespace.isEmpty() && pod != null && !pod.isEmpty();
    }
  }

  public static Parsed parse(String body, Set<String> wanted) {
    boolean truncated = body.length() > MAX_BODY_CHARS;
    String text = truncated ? body.substring(0, MAX_BODY_CHARS) : body;
    List<Sample> samples = new ArrayList<>();
    int skipped = 0;
    int lines = 0;
    int start = 0;
    while (start < text.length()) {
      if (lines == MAX_LINES) {
        truncated = true;
        break;
      }
      int end = text.indexOf('\n', start);
      if (end < 0) end = text.length();
      lines++;
      if (end - start > MAX_LINE_CHARS) {
        skipped++;
      } else {
        String line = text.substring(start, end);
        switch (line(line, wanted)) {
          case Line.Read(Sample sample) -> samples.add(sample);
          case Line.Ignored() -> {}
          case Line.Unreadable() -> skipped++;
        }
      }
      start = end + 1;
    }
    return new Parsed(samples, skipped, truncated);
  }

  private sealed interface Line {
    record Read(Sample sample) implements Line {}

    /** A comment, a blank line or a series nobody asked for. */
    record Ignored() implements Line {}

    record Unreadable() implements Line {}
  }

  private static Line line(String raw, Set<String> wanted) {
    String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
    int i = skipBlanks(line, 0);
    if (i == line.length() || line.charAt(i) == '#') return new Line.Ignored();
    int nameStart = i;
    if (!nameStart(line.charAt(i))) return new Line.Unreadable();
    while (i < line.length() && nameChar(line.charAt(i))) i++;
    String name = line.substring(nameStart, i);
    if (!wanted.contains(name)) return new Line.Ignored();
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i = labels(line, i + 1, labels);
      if (i < 0) return new Line.Unreadable();
    }
    if (i == line.length() || (line.charAt(i) != ' ' && line.charAt(i) != '\t')) {
      return new Line.Unreadable();
    }
    i = skipBlanks(line, i);
    int valueEnd = i;
    while (valueEnd < line.length()
        && line.charAt(valueEnd) != ' '
        && line.charAt(valueEnd) != '\t') {
      valueEnd++;
    }
    Double value = value(line.substring(i, valueEnd));
    if (value == null) return new Line.Unreadable();
    int rest = skipBlanks(line, valueEnd);
    if (rest < line.length() && !timestamp(line.substring(rest).strip())) {
      return new Line.Unreadable();
    }
    return new Line.Read(new Sample(name, labels, value));
  }

  /** Reads {@code a="x",b="y"} up to and past the closing brace; -1 when it is not well formed. */
  private static int labels(String line, int from, Map<String, String> into) {
    int i = skipBlanks(line, from);
    while (true) {
      if (i >= line.length()) return -1;
      if (line.charAt(i) == '}') return i + 1;
      if (into.size() == MAX_LABELS) return -1;
      int nameStart = i;
      if (!labelNameStart(line.charAt(i))) return -1;
      while (i < line.length() && labelNameChar(line.charAt(i))) i++;
      String name = line.substring(nameStart, i);
      i = skipBlanks(line, i);
      if (i >= line.length() || line.charAt(i) != '=') return -1;
      i = skipBlanks(line, i + 1);
      if (i >= line.length() || line.charAt(i) != '"') return -1;
      StringBuilder value = new StringBuilder();
      i++;
      while (true) {
        if (i >= line.length()) return -1;
        char c = line.charAt(i);
        if (c == '"') break;
        if (c == '\\') {
          if (i + 1 >= line.length()) return -1;
          char escaped = line.charAt(i + 1);
          switch (escaped) {
            case '\\' -> value.append('\\');
            case '"' -> value.append('"');
            case 'n' -> value.append('\n');
            default -> {
              return -1;
            }
          }
          i += 2;
        } else {
          value.append(c);
          i++;
        }
      }
      if (into.putIfAbsent(name, value.toString()) != null) return -1;
      i = skipBlanks(line, i + 1);
      if (i < line.length() && line.charAt(i) == ',') i = skipBlanks(line, i + 1);
      else if (i < line.length() && line.charAt(i) != '}') return -1;
    }
  }

  /** A Go-style float: decimal or exponent notation, {@code +Inf}, {@code -Inf}, {@code NaN}. */
  static Double value(String text) {
    switch (text) {
      case "+Inf", "Inf" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-Inf" -> {
        return Double.NEGATIVE_INFINITY;
      }
      case "NaN" -> {
        return Double.NaN;
      }
      default -> {}
    }
    if (text.isEmpty() || text.length() > 64) return null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean allowed =
          (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
      if (!allowed) return null; // refuses Java's extras: hex, "Infinity", a trailing d or f
    }
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean timestamp(String text) {
    if (text.isEmpty() || text.length() > 20) return false;
    int i = text.charAt(0) == '-' ? 1 : 0;
    if (i == text.length()) return false;
    for (; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') return false;
    }
    return true;
  }

  private static int skipBlanks(String line, int from) {
    int i = from;
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) i++;
    return i;
  }

  private static boolean nameStart(char c) {
    return labelNameStart(c) || c == ':';
  }

  private static boolean nameChar(char c) {
    return labelNameChar(c) || c == ':';
  }

  private static boolean labelNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean labelNameChar(char c) {
    return labelNameStart(c) || (c >= '0' && c <= '9');
  }
}
