package dev.bosun.localcluster;

import java.util.regex.Pattern;

/**
 * A pod's IP (a literal, never a host name) and one of its container ports: what the simulated
 * {@link PodNetwork} maps to a loopback address, named by a file {@code <podIP>_<port>}.
 */
public record PodEndpoint(String podIp, int port) {

  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

  /** Hex groups and colons, at least two of them (IPv6 literals; no zone, no brackets). */
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7}");

  private static final Pattern PORT = Pattern.compile("[1-9]\\d{0,4}");

  public PodEndpoint {
    requireIpLiteral(podIp, "pod IP");
    requirePort(port, "port");
  }

  /** {@code <podIP>_<port>}: the file of this endpoint. */
  public String fileName() {
    return podIp + "_" + port;
  }

  /** The endpoint a file name stands for; a name that is not one is an error saying why. */
  public static PodEndpoint ofFileName(String name) {
    int separator = name.lastIndexOf('_');
    if (separator < 0) {
      throw new IllegalArgumentException(
          "pod network file " + name + ": the name must be <podIP>_<port>");
    }
    return new PodEndpoint(
        name.substring(0, separator), parsePort(name.substring(separator + 1), name));
  }

  /** An IPv4 or IPv6 literal, checked without a name lookup. */
  static void requireIpLiteral(String value, String what) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(what + ": must be an IP address, got nothing");
    }
    if (!IPV4.matcher(value).matches() && !IPV6.matcher(value).matches()) {
      throw new IllegalArgumentException(what + ": must be an IP address, got " + quoted(value));
    }
  }

  /** Decimal digits without sign or leading zero, so that one port has one spelling. */
  static int parsePort(String value, String in) {
    if (!PORT.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "port: must be a number from 1 to 65535, got " + quoted(value) + " in " + quoted(in));
    }
    int port = Integer.parseInt(value);
    requirePort(port, "port");
    return port;
  }

  private static void requirePort(int port, String what) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(what + ": must be from 1 to 65535, got " + port);
    }
  }

  static String quoted(String value) {
    return "\"" + value.replace("\n", "\\n").replace("\r", "\\r") + "\"";
  }
}
