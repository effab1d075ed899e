package dev.bosun.gpu.kernel;

import dev.bosun.gpu.model.PciAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns kernel log lines into {@link DriverFault}s. Stateful, because the driver's log is: a {@code
 * NVRM: GPU at PCI:<pci>: GPU-<uuid>} line names the GPU that later Xid lines only give by address,
 * and "fallen off the bus" without a Xid is spread over several lines. One instance per log stream;
 * not thread-safe.
 *
 * <p>Bad input (garbage, binary, cut or overlong lines) is counted in {@link #counters()} and never
 * yields a fault: a line is a fault only when every part that identifies it (the full {@code Xid
 * (PCI:...): <code>,} head, the whole "fallen off the bus" phrase) is present.
 */
public final class KernelLogParser {

  /**
   * Longer than any kernel record (the kernel caps one at 8 KiB); anything longer is not a kernel
   * line.
   */
  public static final int MAX_LINE_CHARS = 16 * 1024;

  private static final Pattern XID =
      Pattern.compile(
          "Xid \\((?:PCI:)?([0-9A-Fa-f:.]{5,20})\\): (\\d{1,4}),\\s?(.*)", Pattern.DOTALL);
  private static final Pattern GPU_AT =
      Pattern.compile(
          "GPU at PCI:([0-9A-Fa-f:.]{5,20}): (GPU-\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12})\\s*");
  private static final Pattern THE_GPU = Pattern.compile("The NVIDIA GPU ([0-9A-Fa-f:.]{5,20})\\b");
  private static final Pattern PCI_ANYWHERE =
      Pattern.compile("\\b(\\p{XDigit}{4,8}:\\p{XDigit}{2}:\\p{XDigit}{2}(?:\\.\\p{XDigit})?)\\b");
  private static final String FALLEN = "fallen off the bus";

  /** {@code cat /dev/kmsg} prints a record's dictionary as indented {@code KEY=value} lines. */
  private static final Pattern KMSG_DICTIONARY = Pattern.compile(" [A-Z0-9_]{1,32}=.*");

  private static final Pattern PID = Pattern.compile("\\bpid=('?<unknown>'?|\\d{1,10})");
  private static final Pattern NAME = Pattern.compile("\\bname=([^,]{1,64})");
  private static final Pattern CHANNEL =
      Pattern.compile("\\b(?:Ch |channel 0x)(\\p{XDigit}{1,16})\\b");
  private static final Pattern CAUSED_BY = Pattern.compile("caused by previous Xid (\\d{1,4})\\b");
  private static final Pattern SM_LOCATION =
      Pattern.compile("\\((GPC \\d{1,3}, TPC \\d{1,3}, SM \\d{1,3})\\)");
  private static final Pattern NVLINK5 =
      Pattern.compile(
          "(\\S{1,64}) (Fatal|Nonfatal) XC(\\d{1,4}) i(\\d{1,4}) Link (-?\\d{1,4}) \\(([^)]{0,512})\\)");

  private final Map<PciAddress, String> uuidByPci = new HashMap<>();
  private PciAddress fallingOffTheBus;
  private long lines;
  private long unparsed;
  private long faults;
  private long uuidChanges;

  /**
   * Lines seen, lines that were not kernel log lines or were malformed driver lines, faults found.
   */
  public record Counters(long lines, long unparsed, long faults) {}

  /** Teaches the parser a UUID learned elsewhere (NVML, a persisted cursor). */
  public void knowUuid(PciAddress pci, String uuid) {
    if (!uuid.equals(uuidByPci.put(pci, uuid))) uuidChanges++;
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
    if (rawLine == null || rawLine.length() > MAX_LINE_CHARS || hasBinary(rawLine)) {
      unparsed++;
      return List.of();
    }
    Optional<KernelLine> line = KernelLine.parse(stripLineEnd(rawLine));
    if (line.isEmpty()) {
      if (!rawLine.isBlank() && !KMSG_DICTIONARY.matcher(rawLine).matches()) unparsed++;
      return List.of();
    }
    return accept(line.get());
  }

  /** A line whose prefix is already off (the kmsg follower uses this). */
  public List<DriverFault> accept(KernelLine line) {
    String message = line.message();
    if (message.indexOf('\n') < 0) return acceptMessage(line, message);
    List<DriverFault> found = new ArrayList<>();
    for (String part : message.split("\n")) found.addAll(acceptMessage(line, part));
    return found;
  }

  private List<DriverFault> acceptMessage(KernelLine line, String rawMessage) {
    String message = rawMessage.strip();
    if (hasBinary(message)) {
      unparsed++;
      return List.of();
    }
    if (!message.startsWith("NVRM: ")) return List.of();
    String body = message.substring("NVRM: ".length());

    if (body.startsWith("Xid ")) {
      Matcher xid = XID.matcher(body);
      Optional<PciAddress> pci = xid.matches() ? PciAddress.parse(xid.group(1)) : Optional.empty();
      if (pci.isEmpty()) {
        unparsed++; // looks like a Xid but is cut or mangled: count it, never guess
        return List.of();
      }
      int code = Integer.parseInt(xid.group(2));
      String rest = xid.group(3);
      return found(
          new DriverFault(
              DriverFault.Origin.KERNEL_LOG,
              line.sequence(),
              line.uptimeMicros(),
              pci.get(),
              uuidByPci.get(pci.get()),
              code,
              detail(code, rest),
              message));
    }
    if (body.startsWith("GPU at PCI:")) {
      Matcher at = GPU_AT.matcher(body);
      Optional<PciAddress> pci = at.matches() ? PciAddress.parse(at.group(1)) : Optional.empty();
      if (pci.isEmpty()) {
        unparsed++;
      } else {
        knowUuid(pci.get(), "GPU-" + at.group(2).substring(4).toLowerCase(Locale.ROOT));
      }
      return List.of();
    }
    Matcher theGpu = THE_GPU.matcher(body);
    if (theGpu.find()) {
      fallingOffTheBus = PciAddress.parse(theGpu.group(1)).orElse(null);
    }
    if (body.contains(FALLEN)) {
      PciAddress pci = fallingOffTheBus;
      fallingOffTheBus = null;
      if (pci == null) { // a one-line variant, e.g. "NVRM: GPU 0000:3b:00.0: GPU has fallen off the
        // bus."
        Matcher any = PCI_ANYWHERE.matcher(body);
        if (any.find()) pci = PciAddress.parse(any.group(1)).orElse(null);
      }
      return found(
          new DriverFault(
              DriverFault.Origin.KERNEL_LOG,
              line.sequence(),
              line.uptimeMicros(),
              pci,
              pci == null ? null : uuidByPci.get(pci),
              null,
              XidDetail.NONE,
              message));
    }
    return List.of();
  }

  private List<DriverFault> found(DriverFault fault) {
    faults++;
    return List.of(fault);
  }

  static XidDetail detail(int code, String rest) {
    Integer pid = null;
    String process = null;
    Matcher m = PID.matcher(rest);
    if (m.find() && Character.isDigit(m.group(1).charAt(0))) pid = Integer.valueOf(m.group(1));
    m = NAME.matcher(rest);
    if (m.find() && !m.group(1).contains("<unknown>")) process = m.group(1).strip();
    m = CHANNEL.matcher(rest);
    String channel = m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null;
    m = CAUSED_BY.matcher(rest);
    Integer causedBy = m.find() ? Integer.valueOf(m.group(1)) : null;
    m = SM_LOCATION.matcher(rest);
    String location = m.find() ? m.group(1) : null;
    NvLinkDetail nvlink = null;
    if (code >= 144 && code <= 150) {
      m = NVLINK5.matcher(rest);
      if (m.find()) {
        List<String> registers =
            m.group(6).isBlank() ? List.of() : List.of(m.group(6).strip().split("\\s+"));
        nvlink =
            new NvLinkDetail(
                m.group(1),
                m.group(2).equals("Fatal"),
                Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(4)),
                Integer.parseInt(m.group(5)),
                registers);
      }
    }
    return new XidDetail(pid, process, channel, causedBy, location, nvlink);
  }

  private static String stripLineEnd(String line) {
    int end = line.length();
    while (end > 0 && (line.charAt(end - 1) == '\n' || line.charAt(end - 1) == '\r')) end--;
    return line.substring(0, end);
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
