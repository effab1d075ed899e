package dev.bosun.gpu.metrics;

import dev.bosun.gpu.text.Utf16;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A writer for the Prometheus text exposition format 0.0.4: {@code # HELP} and {@code # TYPE} once
 * per family, before its samples; label values escaped ({@code \\}, {@code \"}, {@code \n});
 * numbers written so that Prometheus reads them back exactly ({@code NaN}, {@code +Inf}).
 */
public final class PrometheusText {

  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final StringBuilder out = new StringBuilder(4096);
  private final Set<String> declared = new LinkedHashSet<>();

  /** Declares a family once; later calls for the same name are no-ops. */
  public PrometheusText family(String name, String type, String help) {
    if (declared.add(name)) {
      out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
      out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }
    return this;
  }

  public PrometheusText sample(String name, Map<String, String> labels, double value) {
    out.append(name);
    if (!labels.isEmpty()) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, String> l : labels.entrySet()) {
        if (!first) out.append(',');
        first = false;
        out.append(l.getKey()).append("=\"").append(escapeLabelValue(l.getValue())).append('"');
      }
      out.append('}');
    }
    out.append(' ').append(number(value)).append('\n');
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }

  /**
   * The format's own escapes, and only those: a label value is UTF-8 in which {@code \\}, {@code
   * \"} and a line feed must be escaped, and Prometheus rejects any other escape ({@code \t},
   * {@code \\uXXXX}), so the JSON escaper ({@code Json.string}) cannot serve; other control
   * characters are allowed raw. A lone surrogate (broken input) has no UTF-8 form and no escape
   * here: it becomes U+FFFD, as the UTF-8 encoder would make it '?'.
   */
  static String escapeLabelValue(String value) {
    if (value == null) return "";
    StringBuilder b = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '"' -> b.append("\\\"");
        case '\n' -> b.append("\\n");
        default -> {
          if (Utf16.isPairAt(value, i)) {
            b.append(c).append(value.charAt(++i));
          } else {
            b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
          }
        }
      }
    }
    return b.toString();
  }

  /** HELP text escapes only the backslash and the line feed; a quote is plain text there. */
  static String escapeHelp(String help) {
    return help.replace("\\", "\\\\").replace("\n", "\\n");
  }

  static String number(double v) {
    if (Double.isNaN(v)) return "NaN";
    if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    return Double.toString(v);
  }
}
