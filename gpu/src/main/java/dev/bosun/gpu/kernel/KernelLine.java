package dev.bosun.gpu.kernel;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One kernel log message with the prefix its transport added taken off. The same driver message
 * reaches us in several dresses, sometimes mixed in one file:
 *
 * <ul>
 *   <li>{@code /dev/kmsg}: {@code PRIORITY,SEQUENCE,TIMESTAMP_US,FLAGS;MESSAGE}
 *   <li>{@code dmesg}: {@code [ 5123.004211] MESSAGE} (or {@code dmesg -T}'s {@code [Sat Nov 28
 *       ...] }, or {@code --time-format iso}'s {@code 2025-01-25T10:34:54,859532+00:00 }), with
 *       {@code dmesg -x}'s ({@code --decode}) {@code kern :warn : } in front or not
 *   <li>syslog / journald: {@code Nov 02 11:20:31 host kernel: MESSAGE}, with fractional seconds
 *       ({@code -o short-precise}), an ISO timestamp ({@code -o short-iso}) or the uptime ({@code
 *       -o short-monotonic: [ 5123.004211] host kernel: MESSAGE}); or only {@code kernel: MESSAGE}
 *       (a log shipper's or {@code journalctl -o cat}-style export with time and host cut off)
 * </ul>
 *
 * A bare {@code NVRM: ...} message (no prefix) is accepted too.
 *
 * <p>Every pattern here is anchored and uses bounded, possessive quantifiers only, so a line costs
 * time linear in its length whatever it holds.
 *
 * @param sequence kmsg sequence number, {@code null} for other shapes
 * @param uptimeMicros microseconds since boot when the shape carries it, else {@code null}
 * @param facility the syslog facility when the shape carries it (kmsg, {@code dmesg -x}), else
 *     {@code null}; 0 is the kernel, anything else was written by user space
 */
public record KernelLine(
    Shape shape, Long sequence, Long uptimeMicros, Integer facility, String message) {

  public enum Shape {
    KMSG,
    DMESG,
    SYSLOG,
    BARE
  }

  /** The facility of the kernel's own messages; user space cannot write it to /dev/kmsg. */
  public static final int KERNEL_FACILITY = 0;

  /** syslog's facility names in number order, as {@code dmesg -x} prints them. */
  private static final List<String> FACILITIES =
      List.of(
          ("kern user mail daemon auth syslog lpr news uucp cron authpriv ftp res0 res1 res2 res3"
                  + " local0 local1 local2 local3 local4 local5 local6 local7")
              .split(" "));

  private static final Pattern KMSG =
      Pattern.compile("(\\d{1,4}+),(\\d{1,20}+),(\\d{1,20}+),([^;]{0,16}+);(.*+)", Pattern.DOTALL);
  private static final Pattern DMESG_DECODED =
      Pattern.compile("([a-z0-9]{3,8}+) {0,8}+:([a-z]{3,6}+) {0,8}+: (.*+)", Pattern.DOTALL);
  private static final Pattern UPTIME =
      Pattern.compile("\\[\\s{0,16}+(\\d{1,12}+)\\.(\\d{1,9}+)\\]\\s?+(.*+)", Pattern.DOTALL);
  private static final Pattern DMESG_HUMAN =
      Pattern.compile("\\[[A-Z][a-z]{2} [^\\]]{1,40}+\\]\\s?+(.*+)", Pattern.DOTALL);
  private static final Pattern SYSLOG =
      Pattern.compile(
          "(?:[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d{1,9}+)?+|\\d{4}-\\d\\d-\\d\\dT[0-9:.+\\-Z]{8,32}+)"
              + " \\S{1,255}+ kernel: (.*+)",
          Pattern.DOTALL);

  /**
   * {@code dmesg --time-format iso}: a comma before the fraction, which tells it from syslog's ISO
   * stamp (a dot, and a host after it).
   */
  private static final Pattern DMESG_ISO =
      Pattern.compile(
          "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d,\\d{1,9}+(?:Z|[+\\-]\\d\\d:?+\\d\\d) (.*+)",
          Pattern.DOTALL);

  /** Time and host cut off: only the tag of the kernel's messages is left. */
  private static final Pattern KERNEL_ONLY = Pattern.compile("kernel: (.*+)", Pattern.DOTALL);

  /** journalctl -o short-monotonic: {@code [ 5123.004211] host kernel: MESSAGE}. */
  private static final Pattern HOST_KERNEL =
      Pattern.compile("\\S{1,255}+ kernel: (.*+)", Pattern.DOTALL);

  private static final Pattern BARE =
      Pattern.compile("(?:NVRM|nvidia[\\w-]{0,32}+): .*+", Pattern.DOTALL);

  /** Whether the kernel wrote this line, as far as its shape tells ({@code null}: it does not). */
  public boolean fromKernel() {
    return facility == null || facility == KERNEL_FACILITY;
  }

  /**
   * Takes the transport prefix off one line; empty when the line has none of the shapes (the caller
   * counts it as unparsed). Never throws: a number too large for its field makes the line unparsed,
   * since a kernel never writes one (2^63 microseconds is 292,000 years of uptime) and a record
   * whose sequence cannot be read cannot be placed after the kmsg cursor.
   */
  public static Optional<KernelLine> parse(String line) {
    if (line == null || line.isEmpty()) return Optional.empty();
    Matcher m = KMSG.matcher(line);
    if (m.matches()) {
      Long seq = parseLongOrNull(m.group(2));
      Long ts = parseLongOrNull(m.group(3));
      if (seq == null || ts == null) return Optional.empty();
      int facility = Integer.parseInt(m.group(1)) >> 3; // PRIORITY is facility * 8 + level
      return Optional.of(new KernelLine(Shape.KMSG, seq, ts, facility, unescapeKmsg(m.group(5))));
    }
    m = DMESG_DECODED.matcher(line);
    if (m.matches() && FACILITIES.contains(m.group(1))) {
      return dmesg(m.group(3), FACILITIES.indexOf(m.group(1)));
    }
    return dmesg(line, null);
  }

  /** The shapes after kmsg, with the facility {@code dmesg -x} gave or {@code null}. */
  private static Optional<KernelLine> dmesg(String line, Integer facility) {
    Matcher m = UPTIME.matcher(line);
    if (m.matches()) {
      Long us = micros(m.group(1), m.group(2));
      String message = m.group(3);
      Matcher journal = HOST_KERNEL.matcher(message);
      if (journal.matches())
        return Optional.of(new KernelLine(Shape.SYSLOG, null, us, facility, journal.group(1)));
      return Optional.of(new KernelLine(Shape.DMESG, null, us, facility, message));
    }
    m = DMESG_HUMAN.matcher(line);
    if (m.matches())
      return Optional.of(new KernelLine(Shape.DMESG, null, null, facility, m.group(1)));
    m = DMESG_ISO.matcher(line);
    if (m.matches())
      return Optional.of(new KernelLine(Shape.DMESG, null, null, facility, m.group(1)));
    m = SYSLOG.matcher(line);
    if (m.matches()) return syslog(m.group(1), facility);
    m = KERNEL_ONLY.matcher(line);
    if (m.matches()) return syslog(m.group(1), facility);
    if (BARE.matcher(line).matches())
      return Optional.of(new KernelLine(Shape.BARE, null, null, facility, line));
    return Optional.empty();
  }

  /**
   * A syslog message, with the kernel's own uptime stamp in front when {@code journalctl -k} adds
   * it.
   */
  private static Optional<KernelLine> syslog(String message, Integer facility) {
    Matcher uptime = UPTIME.matcher(message);
    if (uptime.matches())
      return Optional.of(
          new KernelLine(
              Shape.SYSLOG,
              null,
              micros(uptime.group(1), uptime.group(2)),
              facility,
              uptime.group(3)));
    return Optional.of(new KernelLine(Shape.SYSLOG, null, null, facility, message));
  }

  /** At most 12 digits of seconds (the pattern's bound), so the product fits in a long. */
  private static Long micros(String seconds, String fraction) {
    String f = (fraction + "000000").substring(0, 6);
    return Long.parseLong(seconds) * 1_000_000 + Long.parseLong(f);
  }

  private static Long parseLongOrNull(String digits) {
    if (digits.length() > 18) return null; // might not fit in a long
    return Long.parseLong(digits);
  }

  /**
   * /dev/kmsg escapes non-printable bytes (newlines included) as {@code \xNN}; undo that so a
   * multi-line message can be read line by line. Anything malformed is left as it is.
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
