package dev.bosun.compiler;

import java.util.List;
import java.util.regex.Pattern;

/** CIDR blocks: validity, and whether a block covers addresses a workload must never reach. */
final class Cidr {
  private static final Pattern V4 =
      Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})$");
  private static final Pattern V6 = Pattern.compile("^[0-9a-fA-F:]+/(\\d{1,3})$");

  /** Private ranges and the cloud metadata address, cut out of any wider IPv4 block allowed. */
  static final List<String> PRIVATE_V4 =
      List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.169.254/32");

  private Cidr() {}

  static boolean isValid(String cidr) {
    var v4 = V4.matcher(cidr);
    if (v4.matches()) {
      for (int group = 1; group <= 4; group++) {
        if (Integer.parseInt(v4.group(group)) > 255) {
          return false;
        }
      }
      return Integer.parseInt(v4.group(5)) <= 32;
    }
    var v6 = V6.matcher(cidr);
    return v6.matches() && cidr.contains(":") && Integer.parseInt(v6.group(1)) <= 128;
  }

  /** The private ranges that lie inside {@code cidr} (an IPv4 block), to be excepted from it. */
  static List<String> privateRangesWithin(String cidr) {
    var v4 = V4.matcher(cidr);
    if (!v4.matches()) {
      return List.of();
    }
    long base = address(v4.group(1), v4.group(2), v4.group(3), v4.group(4));
    int prefix = Integer.parseInt(v4.group(5));
    return PRIVATE_V4.stream()
        .filter(
            range -> {
              var r = V4.matcher(range);
              r.matches();
              int rangePrefix = Integer.parseInt(r.group(5));
              return rangePrefix > prefix
                  && (address(r.group(1), r.group(2), r.group(3), r.group(4)) & mask(prefix))
                      == (base & mask(prefix));
            })
        .toList();
  }

  private static long address(String a, String b, String c, String d) {
    return (Long.parseLong(a) << 24)
        | (Long.parseLong(b) << 16)
        | (Long.parseLong(c) << 8)
        | Long.parseLong(d);
  }

  private static long mask(int prefix) {
    return prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
  }
}
