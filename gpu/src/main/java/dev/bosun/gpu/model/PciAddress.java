package dev.bosun.gpu.model;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PCI address, normalised. The kernel log says {@code 0000:07:00} (domain:bus:device, no
 * function), NVML and nvidia-smi say {@code 00000000:07:00.0}, sysfs says {@code 0000:07:00.0}. All
 * of them parse to the same value, so a Xid line can be matched to an NVML device.
 *
 * <p>A GPU is always function 0 in practice; an address without a function is taken as function 0.
 */
public record PciAddress(long domain, int bus, int device, int function)
    implements Comparable<PciAddress> {

  private static final Pattern SHAPE =
      Pattern.compile(
          "(?:PCI:)?(?:(\\p{XDigit}{1,8}):)?(\\p{XDigit}{1,2}):(\\p{XDigit}{1,2})(?:\\.(\\p{XDigit}))?");

  public PciAddress {
    if (domain < 0 || domain > 0xFFFF_FFFFL)
      throw new IllegalArgumentException("PCI domain out of range: " + domain);
    if (bus < 0 || bus > 0xFF) throw new IllegalArgumentException("PCI bus out of range: " + bus);
    if (device < 0 || device > 0x1F)
      throw new IllegalArgumentException("PCI device out of range: " + device);
    if (function < 0 || function > 7)
      throw new IllegalArgumentException("PCI function out of range: " + function);
  }

  /** Parses any of the shapes above; empty when the text is not a PCI address. */
  public static Optional<PciAddress> parse(String text) {
    if (text == null) return Optional.empty();
    Matcher m = SHAPE.matcher(text.strip());
    if (!m.matches()) return Optional.empty();
    long domain = m.group(1) == null ? 0 : Long.parseLong(m.group(1), 16);
    int bus = Integer.parseInt(m.group(2), 16);
    int device = Integer.parseInt(m.group(3), 16);
    int function = m.group(4) == null ? 0 : Integer.parseInt(m.group(4), 16);
    if (device > 0x1F || function > 7) return Optional.empty();
    return Optional.of(new PciAddress(domain, bus, device, function));
  }

  /** Like {@link #parse} but for input that must be valid (tests, simulator). */
  public static PciAddress of(String text) {
    return parse(text)
        .orElseThrow(() -> new IllegalArgumentException("not a PCI address: " + text));
  }

  /** The canonical, sysfs form: {@code 0000:07:00.0} (lower case, 4-digit domain when it fits). */
  @Override
  public String toString() {
    String d = domain <= 0xFFFF ? "%04x".formatted(domain) : "%08x".formatted(domain);
    return d + ":" + hex2(bus) + ":" + hex2(device) + "." + Integer.toHexString(function);
  }

  /** NVML's and nvidia-smi's form: {@code 00000000:07:00.0} (upper case, 8-digit domain). */
  public String nvmlForm() {
    return ("%08x:%s:%s.%x".formatted(domain, hex2(bus), hex2(device), function))
        .toUpperCase(Locale.ROOT);
  }

  private static String hex2(int value) {
    return HexFormat.of().toHexDigits((byte) value);
  }

  @Override
  public int compareTo(PciAddress o) {
    int c = Long.compare(domain, o.domain);
    if (c == 0) c = Integer.compare(bus, o.bus);
    if (c == 0) c = Integer.compare(device, o.device);
    if (c == 0) c = Integer.compare(function, o.function);
    return c;
  }
}
