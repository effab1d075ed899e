package dev.bosun.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ForwardingTest {
  private static RequestHead request(String head) {
    return ((HeadParser.Result.Accepted<RequestHead>)
            HeadParser.request(head.getBytes(StandardCharsets.ISO_8859_1), Limits.DEFAULTS))
        .head();
  }

  private static final Route.ToSandbox ROUTE = (Route.ToSandbox) Route.of("/sandboxes/ns/a/x?q=1");

  @Test
  void passesTheRequestOnWithoutCredentialsOrHopByHopFields() {
    String forwarded =
        new String(
            Forwarding.request(
                request(
                    "POST /sandboxes/ns/a/x?q=1 HTTP/1.1\r\nHost: router\r\nAuthorization: Bearer t\r\n"
                        + "Connection: keep-alive, X-Secret, Content-Length\r\nKeep-Alive: 5\r\nX-Secret: s\r\n"
                        + "Proxy-Authorization: p\r\nTE: trailers\r\nX-Forwarded-For: 1.2.3.4\r\n"
                        + "X-Forwarded-Prefix: /evil\r\nContent-Length: 2\r\nX-Kept: k\r\n\r\n"),
                ROUTE,
                "10.1.1.1"),
            StandardCharsets.ISO_8859_1);
    assertThat(forwarded)
        .startsWith("POST /x?q=1 HTTP/1.1\r\n")
        .contains("Host: router\r\n", "Content-Length: 2\r\n", "X-Kept: k\r\n")
        .contains("X-Forwarded-For: 1.2.3.4, 10.1.1.1\r\n", "X-Forwarded-Proto: http\r\n")
        .contains("X-Forwarded-Prefix: /sandboxes/ns/a\r\n", "Connection: close\r\n")
        .doesNotContain("Authorization", "Keep-Alive", "X-Secret", "TE:", "/evil", "keep-alive")
        .endsWith("\r\n\r\n");
  }

  @Test
  void keepsTheUpgradeOfAWebSocket() {
    String forwarded =
        new String(
            Forwarding.request(
                request(
                    "GET /sandboxes/ns/a/x?q=1 HTTP/1.1\r\nHost: r\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: k\r\nSec-WebSocket-Version: 13\r\n\r\n"),
                ROUTE,
                "10.1.1.1"),
            StandardCharsets.ISO_8859_1);
    assertThat(forwarded)
        .contains("Upgrade: websocket\r\n", "Connection: Upgrade\r\n", "Sec-WebSocket-Key: k\r\n")
        .doesNotContain("Connection: close");
  }

  @Test
  void closesAfterTheResponse() {
    ResponseHead response =
        ((HeadParser.Result.Accepted<ResponseHead>)
                HeadParser.response(
                    "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1),
                    Limits.DEFAULTS))
            .head();
    assertThat(
            new String(
                Forwarding.response(response, Forwarding.Kind.FINAL), StandardCharsets.ISO_8859_1))
        .isEqualTo("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
  }
}
