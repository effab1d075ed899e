package dev.bosun.router;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The heads the router passes on: the request to the sandbox and the sandbox's response to the
 * client. Hop-by-hop fields (RFC 9110 7.6.1) and those the Connection field names are dropped,
 * except the body's framing (Content-Length, Transfer-Encoding), which the body passed through as
 * sent still needs, and Host. Every connection closes after one exchange (Connection: close),
 * unless it is a WebSocket upgrade, which keeps Upgrade and Connection: Upgrade.
 */
final class Forwarding {
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "upgrade");

  /** Never dropped because the Connection field names them: the framing and the host. */
  private static final Set<String> KEPT = Set.of("content-length", "transfer-encoding", "host");

  /** Set by the router alone, whatever the client sent. */
  static final String FORWARDED_PREFIX = "X-Forwarded-Prefix";

  private Forwarding() {}

  /**
   * The request head for the sandbox. Authorization never reaches it: the router consumed the
   * credential, and a cluster token inside an untrusted sandbox could be replayed.
   */
  static byte[] request(RequestHead head, Route.Forwarded route, String clientAddress) {
    StringBuilder out = new StringBuilder();
    out.append(head.method())
        .append(' ')
        .append(route.target())
        .append(' ')
        .append(head.version())
        .append("\r\n");
    Set<String> dropped = dropped(head.headers());
    dropped.add("authorization");
    dropped.add("x-forwarded-for");
    dropped.add("x-forwarded-proto");
    dropped.add(FORWARDED_PREFIX.toLowerCase(Locale.ROOT));
    appendKept(out, head.headers(), dropped);
    List<String> priorFor = head.values("X-Forwarded-For");
    String forwardedFor =
        priorFor.isEmpty() ? clientAddress : String.join(", ", priorFor) + ", " + clientAddress;
    appendField(out, "X-Forwarded-For", forwardedFor);
    // TLS ends in front of the router; a front proxy says so, else the client spoke plain HTTP.
    appendField(
        out,
        "X-Forwarded-Proto",
        head.values("X-Forwarded-Proto").stream().findFirst().orElse("http"));
    appendField(out, FORWARDED_PREFIX, route.prefix());
    if (head.webSocketUpgrade()) {
      appendField(out, "Upgrade", "websocket");
      appendField(out, "Connection", "Upgrade");
    } else {
      appendField(out, "Connection", "close");
    }
    out.append("\r\n");
    return out.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Which response head is passed on. */
  enum Kind {
    /** An informational 1xx (100 Continue) before the final response: no Connection field. */
    INTERIM,
    /** The response: the connection closes after it. */
    FINAL,
    /** A 101 to a WebSocket upgrade. */
    UPGRADED
  }

  /** The response head for the client. */
  static byte[] response(ResponseHead head, Kind kind) {
    StringBuilder out = new StringBuilder();
    out.append(head.version()).append(' ').append(head.status());
    out.append(' ').append(head.reason()).append("\r\n");
    appendKept(out, head.headers(), dropped(head.headers()));
    switch (kind) {
      case INTERIM -> {}
      case FINAL -> appendField(out, "Connection", "close");
      case UPGRADED -> {
        appendField(out, "Upgrade", "websocket");
        appendField(out, "Connection", "Upgrade");
      }
    }
    out.append("\r\n");
    return out.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static Set<String> dropped(List<Header> headers) {
    Set<String> dropped = new HashSet<>(HOP_BY_HOP);
    for (String named : Heads.tokens(headers, "Connection")) {
      if (!KEPT.contains(named)) dropped.add(named);
    }
    return dropped;
  }

  private static void appendKept(StringBuilder out, List<Header> headers, Set<String> dropped) {
    for (Header h : headers) {
      if (!dropped.contains(h.name().toLowerCase(Locale.ROOT))) {
        appendField(out, h.name(), h.value());
      }
    }
  }

  private static void appendField(StringBuilder out, String name, String value) {
    out.append(name).append(": ").append(value).append("\r\n");
  }
}
