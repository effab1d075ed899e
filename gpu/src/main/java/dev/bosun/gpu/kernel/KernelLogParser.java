package dev.bosun.gpu.kernel;

import dev.bosun.gpu.model.PciAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns kernel log lines into {@link DriverFault}s: the GPU driver's ({@code NVRM:}) and the
 * NVSwitch driver's ({@code nvidia-nvswitchN: SXid ...}, a fault of the switch). Stateful, because
 * the driver's log is: a {@code NVRM: GPU at PCI:<pci>: GPU-<uuid>} line names the GPU that later
 * Xid lines only give by address, and "fallen off the bus" without a Xid is spread over several
 * lines. One instance per log stream; not thread-safe.
 *
 * <p>A fault is only what the parser can stand behind; anything less is counted in {@link
 * #counters()} as unparsed and never yields a fault, and no input makes it throw:
 *
 * <ul>
 *   <li>a Xid needs its whole head, {@code Xid (PCI:<pci>): <code>,}, at the start of a record's
 *       message, with a code between {@link DriverFault#MIN_XID} and {@link DriverFault#MAX_XID};
 *   <li>a GPU that fell off the bus without a Xid needs its address: either the message names it
 *       ({@code NVRM: GPU <pci>: GPU has fallen off the bus.}) or "fallen off the bus" comes at
 *       most {@link #FALLEN_LINES_AFTER_ANNOUNCEMENT} driver lines after {@code NVRM: The NVIDIA
 *       GPU <pci>}, with nothing else between: the driver prints the three lines {@code The NVIDIA
 *       GPU <pci>} / {@code (PCI ID: <id>) installed in this system has} / {@code fallen off the
 *       bus and is not responding to commands.} in one call;
 *   <li>an SXid needs its head, {@code nvidia-nvswitch<n>: SXid (PCI:<pci>): <code>,}, and then
 *       {@code Fatal,} or {@code Non-fatal,}; the {@code Data {...}} and {@code Severity ...} lines
 *       the driver prints with the event are its detail, neither faults nor unparsed;
 *   <li>a driver line comes from the kernel: a kmsg record (or {@code dmesg -x} line) of another
 *       facility was written to {@code /dev/kmsg} by user space and is refused.
 * </ul>
 *
 * A record is one message. The further lines of a multi-line record (kmsg's escaped newlines, the
 * indented lines dmesg and journalctl print under it) continue that message and never start a Xid
 * or a UUID line of their own, so text inside a message cannot pose as a second one.
 *
 * <p>Every pattern is bounded and possessive, so a line costs time linear in its length (no
 * backtracking); numbers are read from at most ten digits and checked against their range before
 * use.
 */
public final class KernelLogParser {

  /**
   * Longer than any kernel record (the kernel caps one at 8 KiB); anything longer is not a kernel
   * line.
   */
  public static final int MAX_LINE_CHARS = 16 * 1024;

  /**
   * More GPUs than a node has: PCI-to-UUID mappings beyond this are counted, not learned, so a
   * hostile log cannot grow the map without end.
   */
  public static final int MAX_KNOWN_GPUS = 256;

  /** The driver's fall-off-the-bus message: the line naming the GPU, then two more. */
  static final int FALLEN_LINES_AFTER_ANNOUNCEMENT = 2;

  /** Linux's {@code PID_MAX_LIMIT} on 64-bit: no process id reaches it. */
  static final int PID_LIMIT = 4 * 1024 * 1024;

  private static final String NVRM = "NVRM: ";
  private static final String NVSWITCH = "nvidia-nvswitch";
  private static final String FALLEN = "fallen off the bus";

  /** domain:bus:device[.function], as every driver line writes it; PciAddress checks the values. */
  private static final String PCI =
      "(\\p{XDigit}{1,8}+:\\p{XDigit}{1,2}+:\\p{XDigit}{1,2}+(?:\\.\\p{XDigit})?+)";

  /**
   * On a MIG GPU the driver (kernel_rc.c) adds the instances the Xid belongs to inside the
   * parenthesis: {@code (PCI:0000:3b:00 GPU-I:01 GPU-CI:00)}. The fault is still the GPU's.
   */
  private static final String MIG_ATTRIBUTION = "(?: GPU-I:\\d{1,3}+(?: GPU-CI:\\d{1,3}+)?+)?+";

  private static final Pattern XID =
      Pattern.compile(
          "Xid \\((?:PCI:)?+" + PCI + MIG_ATTRIBUTION + "\\): (\\d{1,4}+),\\s?+(.*+)",
          Pattern.DOTALL);
  private static final Pattern GPU_AT =
      Pattern.compile(
          "GPU at PCI:"
              + PCI
              + ": (GPU-\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12})\\s*+");
  private static final Pattern THE_GPU = Pattern.compile("The NVIDIA GPU " + PCI);

  /** The prefix of the driver's per-GPU messages ({@code NV_DEV_PRINTF}). */
  private static final Pattern GPU_PREFIX = Pattern.compile("GPU " + PCI + ": ");

  /**
   * The {@code nvidia-nvswitch} driver's SXid head, {@code nvidia-nvswitch3: SXid
   * (PCI:0000:05:00.0): 12028, }, then the rest of the line.
   */
  private static final Pattern SXID =
      Pattern.compile(
          "nvidia-nvswitch(\\d{1,3}+): SXid \\(PCI:" + PCI + "\\): (\\d{1,5}+), (.*+)",
          Pattern.DOTALL);

  /** An SXid's event line after the code: {@code Non-fatal, Link 32 egress ...}. */
  private static final Pattern SXID_EVENT =
      Pattern.compile("(Fatal|Non-fatal),(?: Link (\\d{1,4}+)(?!\\d))?+.*+", Pattern.DOTALL);

  /**
   * The lines the driver prints with each SXid event, {@code Data {0x..., ...}} and {@code Severity
   * 0 Engine instance 44 Sub-engine instance 00}: detail of that event, not a fault of their own.
   */
  private static final Pattern SXID_COMPANION =
      Pattern.compile("(?:Data \\{|Severity \\d{1,3}+ ).*+", Pattern.DOTALL);

  /** {@code cat /dev/kmsg} prints a record's dictionary as indented {@code KEY=value} lines. */
  private static final Pattern KMSG_DICTIONARY = Pattern.compile(" [A-Z0-9_]{1,32}+=.*+");

  private static final Pattern PID = Pattern.compile("\\bpid=(\\d{1,10}+)(?!\\d)");
  private static final Pattern NAME = Pattern.compile("\\bname=([^,]{1,64}+)");
  private static final Pattern CHANNEL =
      Pattern.compile("\\b(?:Ch |channel 0x)(\\p{XDigit}{1,16}+)\\b");
  private static final Pattern CAUSED_BY =
      Pattern.compile("caused by previous Xid (\\d{1,4}+)(?!\\d)");

  /**
   * {@code (GPC 1, TPC 0, SM 1)}, without a group: a pattern that starts with a literal is searched
   * for with Boyer-Moore, ten times faster on a long line.
   */
  private static final Pattern SM_LOCATION =
      Pattern.compile("\\(GPC \\d{1,3}+, TPC \\d{1,3}+, SM \\d{1,3}+\\)");

  /**
   * {@code <subcode> <Fatal|Nonfatal> XC<n> i<n> Link <n> (<hex registers>)}, where the driver
   * writes it: straight after the code. Numbers longer than four digits do not match: the Xid
   * stays, without NVLink detail.
   */
  private static final Pattern NVLINK5 =
      Pattern.compile(
          "(\\S{1,64}+) {1,16}+(Fatal|Nonfatal) {1,16}+XC(\\d{1,4}+) i(\\d{1,4}+) Link (-?\\d{1,4}+)"
              + " \\(([0-9A-Fa-fxX ]{0,512}+)\\)");

  /**
   * Xid 74's {@code NVLink: fatal error detected on link 14(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0,
   * 0x0)}: the link and the registers; at most eight registers of at most eight hex digits.
   */
  private static final Pattern NVLINK_ERROR =
      Pattern.compile(
          "NVLink: fatal error detected on link (\\d{1,4}+)\\((0x\\p{XDigit}{1,8}+(?:, 0x\\p{XDigit}{1,8}+){0,7}+)\\)");

  /**
   * Xid 154's {@code GPU recovery action changed from 0x0 (None) to 0x2 (Node Reboot Required)}:
   * the action after "to".
   */
  private static final Pattern RECOVERY_ACTION =
      Pattern.compile(
          "GPU recovery action changed from 0x\\p{XDigit}{1,8}+ \\([^)]{0,64}+\\) to"
              + " 0x\\p{XDigit}{1,8}+ \\(([^)]{1,64}+)\\)");

  private static final char ESC = '\u001b';

  private final Map<PciAddress, String> uuidByPci = new HashMap<>();

  /** The record the last line belonged to: indented lines continue it. */
  private KernelLine record;

  /** The GPU in "The NVIDIA GPU <pci>", for the lines of the same message that follow it. */
  private PciAddress announcedGpu;

  private int linesSinceAnnouncement;
  private long lines;
  private long unparsed;
  private long faults;
  private long uuidChanges;

  /**
   * Lines seen, lines that were not kernel log lines or were malformed driver lines, faults found.
   */
  public record Counters(long lines, long unparsed, long faults) {}

  /**
   * Teaches the parser a UUID learned elsewhere (NVML, a persisted cursor); ignored once {@link
   * #MAX_KNOWN_GPUS} GPUs are known.
   */
  public void knowUuid(PciAddress pci, String uuid) {
    remember(pci, uuid);
  }

  /** Grows whenever a PCI-to-UUID mapping is added or changed; cheaper to watch than the map. */
  public long uuidChanges() {
    return uuidChanges;
  }

  public Map<PciAddress, String> knownUuids() {
    return Map.copyOf(uuidByPci);
  }

  public Counters counters() {
    return new Counters(lines, unparsed, faults);
  }

  /** One raw line in any of the accepted shapes. */
  public List<DriverFault> acceptLine(String rawLine) {
    lines++;
    if (rawLine == null || rawLine.length() > MAX_LINE_CHARS) return unreadable();
    String text = withoutAnsiEscapes(stripLineEnd(rawLine));
    if (hasBinary(text)) return unreadable();
    if (text.isBlank()) {
      record = null;
      announcedGpu = null;
      return List.of();
    }
    if (Character.isWhitespace(text.charAt(0))) return furtherLine(text);
    Optional<KernelLine> line = KernelLine.parse(text);
    if (line.isEmpty()) return unreadable();
    return accept(line.get());
  }

  /**
   * A record whose transport prefix is already off (the kmsg follower uses this). Its message is
   * one message: the lines after the first continue it.
   */
  public List<DriverFault> accept(KernelLine line) {
    record = line;
    String message = line.message();
    int newline = message.indexOf('\n');
    if (newline < 0) return messageLine(line, message, true);
    List<DriverFault> found =
        new ArrayList<>(messageLine(line, message.substring(0, newline), true));
    for (String further : message.substring(newline + 1).split("\n"))
      found.addAll(messageLine(line, further, false));
    return found;
  }

  /** An indented line: a kmsg dictionary entry, or the next line of the record before it. */
  private List<DriverFault> furtherLine(String text) {
    if (KMSG_DICTIONARY.matcher(text).matches()) return List.of();
    if (record == null) return unreadable();
    return messageLine(record, text, false);
  }

  /** One line of a record's message: its {@code first} line, or one that continues it. */
  private List<DriverFault> messageLine(KernelLine line, String rawMessage, boolean first) {
    String message = rawMessage.strip();
    if (hasBinary(message)) return unreadable();
    if (++linesSinceAnnouncement > FALLEN_LINES_AFTER_ANNOUNCEMENT) announcedGpu = null;
    if (first && message.startsWith(NVSWITCH)) {
      announcedGpu = null;
      return line.fromKernel() ? switchError(line, message) : unreadable();
    }
    if (!message.startsWith(NVRM)) {
      announcedGpu = null;
      return List.of();
    }
    if (!line.fromKernel()) return unreadable(); // user space posing as the driver
    String body = message.substring(NVRM.length());
    if (first && body.startsWith("Xid ")) {
      announcedGpu = null;
      return xid(line, message, body);
    }
    if (first && body.startsWith("GPU at PCI:")) {
      announcedGpu = null;
      return learnUuid(body);
    }
    return fallenOffTheBus(line, message, body);
  }

  private List<DriverFault> xid(KernelLine line, String message, String body) {
    Matcher xid = XID.matcher(body);
    if (!xid.matches()) return unreadable(); // looks like a Xid but is cut or mangled: never guess
    Optional<PciAddress> pci = PciAddress.parse(xid.group(1));
    int code = Integer.parseInt(xid.group(2)); // at most four digits
    if (pci.isEmpty() || !DriverFault.plausibleXid(code)) return unreadable();
    return found(
        new DriverFault(
            DriverFault.Origin.KERNEL_LOG,
            line.sequence(),
            line.uptimeMicros(),
            pci.get(),
            uuidByPci.get(pci.get()),
            code,
            detail(code, xid.group(3)),
            message));
  }

  /**
   * An NVSwitch's SXid event line is a fault; the lines printed with it are detail; any other line
   * of the switch driver is not an SXid.
   */
  private List<DriverFault> switchError(KernelLine line, String message) {
    if (!message.contains(": SXid (")) return List.of();
    Matcher sxid = SXID.matcher(message);
    if (!sxid.matches()) return unreadable(); // cut or mangled: never guess
    Optional<PciAddress> pci = PciAddress.parse(sxid.group(2));
    int code = Integer.parseInt(sxid.group(3)); // at most five digits
    if (pci.isEmpty() || code < SwitchError.MIN_SXID) return unreadable();
    Matcher event = SXID_EVENT.matcher(sxid.group(4));
    if (!event.matches())
      return SXID_COMPANION.matcher(sxid.group(4)).matches() ? List.of() : unreadable();
    Integer link = event.group(2) == null ? null : Integer.parseInt(event.group(2));
    return found(
        DriverFault.ofSwitch(
            DriverFault.Origin.KERNEL_LOG,
            line.sequence(),
            line.uptimeMicros(),
            pci.get(),
            new SwitchError(
                Integer.parseInt(sxid.group(1)), code, event.group(1).equals("Fatal"), link),
            message));
  }

  private List<DriverFault> learnUuid(String body) {
    Matcher at = GPU_AT.matcher(body);
    Optional<PciAddress> pci = at.matches() ? PciAddress.parse(at.group(1)) : Optional.empty();
    if (pci.isEmpty()
        || !remember(pci.get(), "GPU-" + at.group(2).substring(4).toLowerCase(Locale.ROOT)))
      return unreadable();
    return List.of();
  }

  private List<DriverFault> fallenOffTheBus(KernelLine line, String message, String body) {
    Matcher theGpu = THE_GPU.matcher(body);
    if (theGpu.lookingAt()) {
      announcedGpu = PciAddress.parse(theGpu.group(1)).orElse(null);
      linesSinceAnnouncement = 0;
    }
    if (!body.contains(FALLEN)) return List.of();
    PciAddress pci = announcedGpu;
    announcedGpu = null;
    if (pci == null) {
      Matcher prefix = GPU_PREFIX.matcher(body);
      if (prefix.lookingAt()) pci = PciAddress.parse(prefix.group(1)).orElse(null);
    }
    if (pci == null) return unreadable(); // which GPU? never guess
    return found(
        new DriverFault(
            DriverFault.Origin.KERNEL_LOG,
            line.sequence(),
            line.uptimeMicros(),
            pci,
            uuidByPci.get(pci),
            null,
            XidDetail.NONE,
            message));
  }

  private List<DriverFault> found(DriverFault fault) {
    faults++;
    return List.of(fault);
  }

  /** Counts a line that is not what it claims to be, and forgets the message it may continue. */
  private List<DriverFault> unreadable() {
    unparsed++;
    record = null;
    announcedGpu = null;
    return List.of();
  }

  private boolean remember(PciAddress pci, String uuid) {
    if (uuidByPci.size() >= MAX_KNOWN_GPUS && !uuidByPci.containsKey(pci)) return false;
    if (!uuid.equals(uuidByPci.put(pci, uuid))) uuidChanges++;
    return true;
  }

  /**
   * What a Xid line says after its code. A number outside its range drops that field only: the
   * fault is real, the field was just detail.
   */
  static XidDetail detail(int code, String rest) {
    Integer pid = number(PID, rest, 0, PID_LIMIT - 1);
    Matcher m = NAME.matcher(rest);
    String process = m.find() && !m.group(1).contains("<unknown>") ? m.group(1).strip() : null;
    m = CHANNEL.matcher(rest);
    String channel = m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null;
    Integer causedBy = number(CAUSED_BY, rest, DriverFault.MIN_XID, DriverFault.MAX_XID);
    m = SM_LOCATION.matcher(rest);
    String location = m.find() ? rest.substring(m.start() + 1, m.end() - 1) : null;
    NvLinkDetail nvlink = null;
    if (code >= 144 && code <= 150) {
      m = NVLINK5.matcher(rest);
      if (m.lookingAt()) {
        String registers = m.group(6).strip();
        nvlink =
            new NvLinkDetail(
                m.group(1),
                m.group(2).equals("Fatal"),
                Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(4)),
                Integer.parseInt(m.group(5)),
                registers.isEmpty() ? List.of() : List.of(registers.split(" ++")));
      }
    }
    NvLinkError nvlinkError = null;
    if (code == 74) {
      m = NVLINK_ERROR.matcher(rest);
      if (m.find())
        nvlinkError =
            new NvLinkError(
                Integer.parseInt(m.group(1)),
                Arrays.stream(m.group(2).split(", "))
                    .map(r -> Long.parseLong(r.substring(2), 16))
                    .toList());
    }
    String recoveryAction = null;
    if (code == 154) {
      m = RECOVERY_ACTION.matcher(rest);
      if (m.lookingAt()) recoveryAction = m.group(1).strip();
    }
    return new XidDetail(
        pid, process, channel, causedBy, location, nvlink, nvlinkError, recoveryAction);
  }

  /** Group 1 of {@code pattern}'s first match (at most ten digits), when in {@code [min, max]}. */
  private static Integer number(Pattern pattern, String text, int min, int max) {
    Matcher m = pattern.matcher(text);
    if (!m.find()) return null;
    long value = Long.parseLong(m.group(1));
    return value >= min && value <= max ? (int) value : null;
  }

  private static String stripLineEnd(String line) {
    int end = line.length();
    while (end > 0 && (line.charAt(end - 1) == '\n' || line.charAt(end - 1) == '\r')) end--;
    return line.substring(0, end);
  }

  /**
   * {@code dmesg --color=always} wraps the timestamp, the facility and level, the subsystem and the
   * message in SGR sequences ({@code ESC[32m ... ESC[0m}). Those are dropped, so the line reads as
   * the kernel wrote it. Any other escape stays and makes the line binary: a CSI sequence with
   * another final byte would take a letter of the text with it ({@code ESC[} before the {@code b}
   * of {@code 0000:3b:00} would leave another GPU's address).
   */
  static String withoutAnsiEscapes(String text) {
    int esc = text.indexOf(ESC);
    if (esc < 0) return text;
    StringBuilder out = new StringBuilder(text.length());
    int from = 0;
    while (esc >= 0) {
      out.append(text, from, esc);
      int end = sgrEnd(text, esc);
      if (end < 0) {
        out.append(ESC);
        from = esc + 1;
      } else {
        from = end;
      }
      esc = text.indexOf(ESC, from);
    }
    return out.append(text, from, text.length()).toString();
  }

  /**
   * Where the SGR sequence ({@code ESC [ parameters m}) starting at {@code esc} ends, or -1 when
   * there is none.
   */
  private static int sgrEnd(String text, int esc) {
    int i = esc + 1;
    if (i == text.length() || text.charAt(i) != '[') return -1;
    i++;
    while (i < text.length() && text.charAt(i) >= 0x30 && text.charAt(i) <= 0x3F) i++;
    return i < text.length() && text.charAt(i) == 'm' ? i + 1 : -1;
  }

  /**
   * NUL, other C0 controls (tab aside), DEL or a decoding replacement character: not text a kernel
   * writes.
   */
  static boolean hasBinary(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F || c == '\uFFFD')
        return true;
    }
    return false;
  }
}
