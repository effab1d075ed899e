package dev.bosun.mcp;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The streamable HTTP transport's defence against DNS rebinding, which the MCP specification asks
 * of every server: a web page makes its visitor's browser call a server on that machine under the
 * page's own name. Pure: from the request's Host and Origin headers, whether it is refused and why.
 *
 * <ul>
 *   <li>Served on a loopback address, the Host must be a loopback name ({@code localhost}, {@code
 *       127.0.0.1}, {@code [::1]}, any port): a rebound name is not one.
 *   <li>Elsewhere (behind a Service or an ingress, whose names the server cannot know) any Host
 *       passes, and the bearer token, which a browser never adds by itself, is the defence.
 *   <li>An Origin, which only browsers send, must name the same host as the Host header (and a
 *       loopback one on loopback); {@code null} origins (sandboxed frames, files) are refused.
 * </ul>
 *
 * @param loopback whether the server listens on a loopback address only
 */
record OriginCheck(boolean loopback) {
  private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");

  /** Why the request is refused; empty when it may go on. */
  Optional<String> refusal(String host, String origin) {
    String hostName = host == null ? null : hostName(host);
    if (loopback && (hostName == null || !LOOPBACK_NAMES.contains(hostName))) {
      return Optional.of(
          "Host "
              + (host == null ? "(none)" : quoted(host))
              + " is not a name of this server, which serves on a loopback address (localhost,"
              + " 127.0.0.1 or [::1]): refused against DNS rebinding");
    }
    if (origin == null) {
      return Optional.empty();
    }
    String originHost = originHost(origin);
    if (originHost == null || !originHost.equals(hostName)) {
      return Optional.of(
          "Origin "
              + quoted(origin)
              + " is not this server's ("
              + (host == null ? "no Host" : quoted(host))
              + "): a browser page of another site may not call it");
    }
    return Optional.empty();
  }

  /** The host of a Host header, lower case, without its port. */
  private static String hostName(String host) {
    String name = host.strip().toLowerCase(Locale.ROOT);
    if (name.startsWith("[")) {
      int end = name.indexOf(']');
      return end < 0 ? name : name.substring(0, end + 1);
    }
    int colon = name.lastIndexOf(':');
    return colon < 0 ? name : name.substring(0, colon);
  }

  /** The host of an Origin ({@code scheme://host[:port]}), lower case; null when it has none. */
  private static String originHost(String origin) {
    try {
      URI uri = new URI(origin.strip());
      String scheme = uri.getScheme();
      if (uri.getHost() == null
          || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
        return null;
      }
      return uri.getHost().toLowerCase(Locale.ROOT);
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /** A header value as sent, shortened and with control characters shown, for the message. */
  private static String quoted(String value) {
    String shown = value.length() > 100 ? value.substring(0, 100) + "..." : value;
    StringBuilder out = new StringBuilder("\"");
    shown
        .codePoints()
        .forEach(c -> out.append(Character.isISOControl(c) ? "?" : Character.toString(c)));
    return out.append('"').toString();
  }
}
