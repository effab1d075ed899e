package dev.bosun.gpu.kernel;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One kernel log message with the prefix its transport added taken off. The same driver message
 * reaches us in three dresses, sometimes mixed in one file:
 *
 * <ul>
 *   <li>{@code /dev/kmsg}: {@code PRIORITY,SEQUENCE,TIMESTAMP_US,FLAGS;MESSAGE}
 *   <li>{@code dmesg}: {@code [ 5123.004211] MESSAGE} (or {@code dmesg -T}'s {@code [Sat Nov 28
 *       ...] })
 *   <li>syslog / journald: {@code Nov 02 11:20:31 host kernel: MESSAGE}, with fractional seconds
 *       ({@code -o short-precise}), an ISO timestamp ({@code -o short-iso}) or the uptime ({@code
 *       -o short-monotonic: [ 5123.004211] host kernel: MESSAGE})
 * </ul>
 *
 * A bare {@code NVRM: ...} message (no prefix) is accepted too.
 *
 * @param sequence kmsg sequence number, {@code null} for other shapes
 * @param uptimeMicros microseconds since boot when the shape carries it, else {@code null}
 */
public record KernelLine(Shape shape, Long sequence, Long uptimeMicros, String message) {

  public enum Shape {
    KMSG,
    DMESG,
    SYSLOG,
    BARE
  }

  private static final Pattern KMSG =
      Pattern.compile("(\\d{1,4}),(\\d{1,20}),(\\d{1,20}),([^;]{0,16});(.*)", Pattern.DOTALL);
  private static final Pattern DMESG =
      Pattern.compile("\\[\\s*(\\d{1,12})\\.(\\d{1,9})\\]\\s?(.*)", Pattern.DOTALL);
  private static final Pattern DMESG_HUMAN =
      Pattern.compile("\\[[A-Z][a-z]{2} [^\\]]{1,40}\\]\\s?(.*)", Pattern.DOTALL);
  private static final Pattern SYSLOG =
      Pattern.compile(
          "(?:[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d{1,9})?|\\d{4}-\\d\\d-\\d\\dT[0-9:.+\\-Z]{8,32})"
              + " \\S{1,255} kernel: (?:\\[\\s*(\\d{1,12})\\.(\\d{1,9})\\]\\s?)?(.*)",
          Pattern.DOTALL);

  /** journalctl -o short-monotonic: {@code [ 5123.004211] host kernel: MESSAGE}. */
  private static final Pattern HOST_KERNEL =
      Pattern.compile("\\S{1,255} kernel: (.*)", Pattern.DOTALL);

  private static final Pattern BARE = Pattern.compile("(?:NVRM|nvidia[\\w-]*): .*", Pattern.DOTALL);

  /**
   * Takes the transport prefix off one line; empty when the line has none of the shapes (the caller
   * counts it as unparsed). Never throws.
   */
  public static Optional<KernelLine> parse(String line) {
    if (line == null || line.isEmpty()) return Optional.empty();
    Matcher m = KMSG.matcher(line);
    if (m.matches()) {
      Long seq = parseLongOrNull(m.group(2));
      Long ts = parseLongOrNull(m.group(3));
      if (seq == null || ts == null) return Optional.empty();
      return Optional.of(new KernelLine(Shape.KMSG, seq, ts, unescapeKmsg(m.group(5))));
    }
    m = DMESG.matcher(line);
    if (m.matches()) {
      String message = m.group(3);
      Matcher journal = HOST_KERNEL.matcher(message);
      if (journal.matches())
        return Optional.of(
            new KernelLine(Shape.SYSLOG, null, micros(m.group(1), m.group(2)), journal.group(1)));
      return Optional.of(
          new KernelLine(Shape.DMESG, null, micros(m.group(1), m.group(2)), message));
    }
    m = DMESG_HUMAN.matcher(line);
    if (m.matches()) return Optional.of(new KernelLine(Shape.DMESG, null, null, m.group(1)));
    m = SYSLOG.matcher(line);
    if (m.matches()) {
      Long us = m.group(1) == null ? null : micros(m.group(1), m.group(2));
      return Optional.of(new KernelLine(Shape.SYSLOG, null, us, m.group(3)));
    }
    if (BARE.matcher(line).matches())
      return Optional.of(new KernelLine(Shape.BARE, null, null, line));
    return Optional.empty();
  }

  private static Long micros(String seconds, String fraction) {
    Long s = parseLongOrNull(seconds);
    if (s == null) return null;
    String f = (fraction + "000000").substring(0, 6);
    return s * 1_000_000 + Long.parseLong(f);
  }

  private static Long parseLongOrNull(String digits) {
    if (digits.length() > 18) return null; // would overflow; a real kernel never gets there
    return Long.parseLong(digits);
  }

  /**
   * /dev/kmsg escapes non-printable bytes (newlines included) as {@code \xNN}; undo that so a
   * multi-line message can be split. Anything malformed is left as it is.
   */
  static String unescapeKmsg(String text) {
    if (text.indexOf("\\x") < 0) return text;
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\'
          && i + 3 < text.length()
          && text.charAt(i + 1) == 'x'
          && isHex(text.charAt(i + 2))
          && isHex(text.charAt(i + 3))) {
        out.append((char) Integer.parseInt(text.substring(i + 2, i + 4), 16));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
