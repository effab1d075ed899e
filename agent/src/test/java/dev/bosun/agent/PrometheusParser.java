package dev.bosun.agent;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, written for these tests. It
 * throws on anything a Prometheus server would refuse: a metric or label name outside the grammar,
 * an unterminated or badly escaped label value, a value that is not a float, a HELP or TYPE after
 * the family's samples or twice, a family whose samples are split by another family, the same
 * series twice, a missing final newline.
 */
final class PrometheusParser {

  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "histogram", "summary", "untyped");

  private PrometheusParser() {}

  static List<Sample> parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n"))
      throw new IllegalArgumentException("the exposition does not end with a newline");
    List<Sample> out = new ArrayList<>();
    Set<String> finished = new HashSet<>();
    Set<String> helped = new HashSet<>();
    Set<String> typed = new HashSet<>();
    Set<String> seen = new HashSet<>();
    String family = null;
    int lineNo = 0;
    for (String line : text.split("\n", -1)) {
      lineNo++;
      if (line.isEmpty()) continue;
      String where = "line " + lineNo + ": " + line;
      if (line.startsWith("#")) {
        String[] parts = line.split(" ", 4);
        if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
          String name = parts[2];
          if (!METRIC.matcher(name).matches())
            throw new IllegalArgumentException("bad metric name, " + where);
          if (finished.contains(name)
              || (name.equals(family) && seen.stream().anyMatch(s -> s.startsWith(name + "{")))) {
            throw new IllegalArgumentException(parts[1] + " after the family's samples, " + where);
          }
          if (parts[1].equals("TYPE")) {
            if (parts.length != 4 || !TYPES.contains(parts[3]))
              throw new IllegalArgumentException("bad TYPE, " + where);
            if (!typed.add(name)) throw new IllegalArgumentException("second TYPE, " + where);
          } else if (!helped.add(name)) {
            throw new IllegalArgumentException("second HELP, " + where);
          }
          if (family != null && !family.equals(name)) finished.add(family);
          family = name;
        }
        continue;
      }
      Sample s = sample(line, where);
      if (!s.name().equals(family)) {
        if (finished.contains(s.name()))
          throw new IllegalArgumentException("family split in two, " + where);
        if (family != null) finished.add(family);
        family = s.name();
      }
      String key = s.name() + "{" + new TreeMap<>(s.labels()) + "}";
      if (!seen.add(key)) throw new IllegalArgumentException("duplicate series, " + where);
      out.add(s);
    }
    return out;
  }

  private static Sample sample(String line, String where) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') i++;
    String name = line.substring(0, i);
    if (!METRIC.matcher(name).matches())
      throw new IllegalArgumentException("bad metric name, " + where);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (true) {
        if (i >= line.length()) throw new IllegalArgumentException("unterminated labels, " + where);
        if (line.charAt(i) == '}') {
          i++;
          break;
        }
        int eq = line.indexOf('=', i);
        if (eq < 0) throw new IllegalArgumentException("label without '=', " + where);
        String label = line.substring(i, eq);
        if (!LABEL.matcher(label).matches())
          throw new IllegalArgumentException("bad label name '" + label + "', " + where);
        i = eq + 1;
        if (i >= line.length() || line.charAt(i) != '"')
          throw new IllegalArgumentException("label value not quoted, " + where);
        i++;
        StringBuilder v = new StringBuilder();
        while (true) {
          if (i >= line.length())
            throw new IllegalArgumentException("unterminated label value, " + where);
          char c = line.charAt(i++);
          if (c == '"') break;
          if (c == '\\') {
            if (i >= line.length()) throw new IllegalArgumentException("dangling escape, " + where);
            char e = line.charAt(i++);
            switch (e) {
              case '\\' -> v.append('\\');
              case '"' -> v.append('"');
              case 'n' -> v.append('\n');
              default -> throw new IllegalArgumentException("bad escape \\" + e + ", " + where);
            }
          } else {
            v.append(c);
          }
        }
        if (labels.put(label, v.toString()) != null)
          throw new IllegalArgumentException("label twice, " + where);
        if (i < line.length() && line.charAt(i) == ',') i++;
      }
    }
    if (i >= line.length() || line.charAt(i) != ' ')
      throw new IllegalArgumentException("no value, " + where);
    String[] rest = line.substring(i + 1).split(" ");
    if (rest.length > 2) throw new IllegalArgumentException("trailing text, " + where);
    if (rest.length == 2 && !rest[1].matches("-?[0-9]+"))
      throw new IllegalArgumentException("bad timestamp, " + where);
    return new Sample(name, labels, value(rest[0], where));
  }

  private static double value(String v, String where) {
    return switch (v) {
      case "NaN" -> Double.NaN;
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> {
        if (!v.matches("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?"))
          throw new IllegalArgumentException("bad value, " + where);
        yield Double.parseDouble(v);
      }
    };
  }
}
