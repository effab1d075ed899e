package dev.bosun.router;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A request head the parser accepted: an origin-form target, HTTP/1.0 or 1.1, well-formed headers,
 * a Host on HTTP/1.1, and at most one way of framing the body.
 */
public record RequestHead(String method, String target, String version, List<Header> headers) {
  public RequestHead {
    headers = List.copyOf(headers);
  }

  public List<String> values(String name) {
    return Heads.values(headers, name);
  }

  public Optional<String> single(String name) {
    return Heads.single(headers, name);
  }

  public OptionalLong contentLength() {
    return Heads.contentLength(headers);
  }

  /** Transfer-Encoding: chunked, the only coding the parser lets through. */
  public boolean chunked() {
    return Heads.chunked(headers);
  }

  /** A WebSocket opening handshake (RFC 6455 4.1): GET with Upgrade: websocket. */
  public boolean webSocketUpgrade() {
    return method.equals("GET")
        && Heads.tokens(headers, "Upgrade").contains("websocket")
        && Heads.tokens(headers, "Connection").contains("upgrade");
  }
}
