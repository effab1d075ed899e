package dev.bosun.gpu.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4, for tests: it rejects what Prometheus
 * rejects (bad names, bad escapes, a family split in two, TYPE after samples, duplicate series).
 */
final class PrometheusFormat {

  record Sample(String name, List<String[]> labels, double value) {
    String label(String key) {
      for (String[] l : labels) if (l[0].equals(key)) return l[1];
      return null;
    }
  }

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
  private static final Pattern TYPE =
      Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");

  static List<Sample> parse(String text) {
    if (!text.endsWith("\n"))
      throw new IllegalArgumentException("exposition must end with a newline");
    List<Sample> samples = new ArrayList<>();
    Set<String> closedFamilies = new HashSet<>();
    Set<String> typed = new HashSet<>();
    Set<String> series = new HashSet<>();
    String current = null;
    for (String line : text.split("\n")) {
      if (line.startsWith("# HELP")) {
        Matcher m = HELP.matcher(line);
        if (!m.matches()) throw new IllegalArgumentException("bad HELP: " + line);
        continue;
      }
      if (line.startsWith("# TYPE")) {
        Matcher m = TYPE.matcher(line);
        if (!m.matches()) throw new IllegalArgumentException("bad TYPE: " + line);
        if (!typed.add(m.group(1))
            || closedFamilies.contains(m.group(1))
            || m.group(1).equals(current)) {
          throw new IllegalArgumentException("TYPE repeated or after samples: " + line);
        }
        continue;
      }
      if (line.startsWith("#") || line.isEmpty()) continue;
      Sample s = sample(line);
      if (!s.name().equals(current)) {
        if (current != null) closedFamilies.add(current);
        if (closedFamilies.contains(s.name()))
          throw new IllegalArgumentException("family split: " + s.name());
        current = s.name();
      }
      if (!series.add(line.substring(0, line.lastIndexOf(' '))))
        throw new IllegalArgumentException("duplicate series: " + line);
      samples.add(s);
    }
    return samples;
  }

  private static Sample sample(String line) {
    int i = 0;
    Matcher n = NAME.matcher(line);
    if (!n.lookingAt()) throw new IllegalArgumentException("bad name: " + line);
    String name = n.group();
    i = n.end();
    List<String[]> labels = new ArrayList<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        Matcher ln = NAME.matcher(line).region(i, line.length());
        if (!ln.lookingAt()) throw new IllegalArgumentException("bad label name: " + line);
        String key = ln.group();
        i = ln.end();
        if (line.charAt(i) != '=' || line.charAt(i + 1) != '"')
          throw new IllegalArgumentException("bad label: " + line);
        i += 2;
        StringBuilder v = new StringBuilder();
        while (line.charAt(i) != '"') {
          char c = line.charAt(i);
          if (c == '\\') {
            char e = line.charAt(++i);
            v.append(
                switch (e) {
                  case '\\' -> '\\';
                  case '"' -> '"';
                  case 'n' -> '\n';
                  default -> throw new IllegalArgumentException("bad escape \\" + e + ": " + line);
                });
          } else {
            v.append(c);
          }
          i++;
        }
        i++;
        labels.add(new String[] {key, v.toString()});
        if (line.charAt(i) == ',') i++;
      }
      i++;
    }
    if (line.charAt(i) != ' ') throw new IllegalArgumentException("no value: " + line);
    String value = line.substring(i + 1);
    double d =
        switch (value) {
          case "NaN" -> Double.NaN;
          case "+Inf" -> Double.POSITIVE_INFINITY;
          case "-Inf" -> Double.NEGATIVE_INFINITY;
          default -> Double.parseDouble(value);
        };
    return new Sample(name, labels, d);
  }
}
