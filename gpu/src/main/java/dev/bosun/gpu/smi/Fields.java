package dev.bosun.gpu.smi;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads nvidia-smi's field values ({@code "81559 MiB"}, {@code "71.73 W"}, {@code "0 %"}, {@code
 * "[N/A]"}, {@code "Yes"}, {@code "0x0000000000000001"}) and keeps count of the ones that make no
 * sense. One instance per parse; not shared.
 */
final class Fields {

  private static final Pattern NUMBER_WITH_UNIT =
      Pattern.compile("(-?+\\d{1,18}+(?:\\.\\d{1,9}+)?+)\\s{0,8}+(?:[A-Za-z%]{1,5}+)?+");
  private static final int MAX_PROBLEMS = 20;

  private long unparsed;
  private final List<String> problems = new ArrayList<>();

  /** nvidia-smi writes these when a value does not apply or cannot be read. */
  static boolean notAvailable(String raw) {
    if (raw == null) return true;
    String v = raw.strip();
    return v.isEmpty()
        || v.equals("N/A")
        || v.equals("[N/A]")
        || v.equals("[Not Supported]")
        || v.equals("Not Supported")
        || v.startsWith("[Unknown Error]")
        || v.equals("[Insufficient Permissions]")
        || v.equals("Requested functionality has been deprecated");
  }

  Long integer(String name, String raw) {
    Double d = decimal(name, raw);
    if (d == null) return null;
    if (d != Math.floor(d)) return bad(name, raw);
    return d.longValue();
  }

  Double decimal(String name, String raw) {
    if (notAvailable(raw)) return null;
    Matcher m = NUMBER_WITH_UNIT.matcher(raw.strip());
    if (!m.matches()) return bad(name, raw);
    double value = Double.parseDouble(m.group(1));
    if (!Double.isFinite(value)) return bad(name, raw);
    return value;
  }

  Long hex(String name, String raw) {
    if (notAvailable(raw)) return null;
    String v = raw.strip();
    if (v.startsWith("0x") || v.startsWith("0X")) v = v.substring(2);
    if (v.isEmpty() || v.length() > 16 || !v.chars().allMatch(c -> Character.digit(c, 16) >= 0))
      return bad(name, raw);
    return Long.parseUnsignedLong(v, 16);
  }

  Boolean yesNo(String name, String raw) {
    if (notAvailable(raw)) return null;
    return switch (raw.strip().toLowerCase(Locale.ROOT)) {
      case "yes", "active", "enabled", "true" -> true;
      case "no", "not active", "disabled", "false" -> false;
      default -> bad(name, raw);
    };
  }

  <T> T bad(String name, String raw) {
    unparsed++;
    if (problems.size() < MAX_PROBLEMS) {
      String shown = raw == null ? "null" : raw.length() > 40 ? raw.substring(0, 40) + "..." : raw;
      problems.add(name + ": unreadable value '" + shown + "'");
    }
    return null;
  }

  void problem(String text) {
    unparsed++;
    if (problems.size() < MAX_PROBLEMS) problems.add(text);
  }

  long unparsed() {
    return unparsed;
  }

  List<String> problems() {
    return List.copyOf(problems);
  }
}
