package dev.bosun.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeadParserTest {
  private static final Limits LIMITS = new Limits(64, 5, 256, 1000);

  private static HeadParser.Result<RequestHead> parse(String head) {
    return HeadParser.request(head.getBytes(StandardCharsets.ISO_8859_1), LIMITS);
  }

  private static int status(String head) {
    return switch (parse(head)) {
      case HeadParser.Result.Accepted<RequestHead> a -> 0;
      case HeadParser.Result.Refused<RequestHead> r -> r.rejection().status();
    };
  }

  @Test
  void acceptsAPlainRequest() {
    var result =
        parse(
            "POST /sandboxes/ns/a/x?y=1 HTTP/1.1\r\nHost: r\r\nContent-Length: 3\r\nX-A:  b \r\n\r\n");
    assertThat(result).isInstanceOf(HeadParser.Result.Accepted.class);
    RequestHead head = ((HeadParser.Result.Accepted<RequestHead>) result).head();
    assertThat(head.method()).isEqualTo("POST");
    assertThat(head.target()).isEqualTo("/sandboxes/ns/a/x?y=1");
    assertThat(head.contentLength()).hasValue(3);
    assertThat(head.single("x-a")).hasValue("b");
    assertThat(head.webSocketUpgrade()).isFalse();
  }

  @Test
  void recognisesAWebSocketUpgrade() {
    var result =
        parse(
            "GET /ws HTTP/1.1\r\nHost: r\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n\r\n");
    assertThat(((HeadParser.Result.Accepted<RequestHead>) result).head().webSocketUpgrade())
        .isTrue();
  }

  @Test
  void http10NeedsNoHost() {
    assertThat(status("GET / HTTP/1.0\r\n\r\n")).isZero();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no Host                      | GET / HTTP/1.1\\r\\n\\r\\n                                             | 400",
        "two Hosts                    | GET / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n                      | 400",
        "bare LF                      | GET / HTTP/1.1\\nHost: a\\r\\n\\r\\n                                    | 400",
        "bare CR                      | GET / HTTP/1.1\\rHost: a\\r\\n\\r\\n                                    | 400",
        "CR injected in a value       | GET / HTTP/1.1\\r\\nHost: a\\r\\nX: a\\rb\\r\\n\\r\\n                     | 400",
        "NUL in a value               | GET / HTTP/1.1\\r\\nHost: a\\r\\nX: a\\u0000b\\r\\n\\r\\n                 | 400",
        "obsolete folding             | GET / HTTP/1.1\\r\\nHost: a\\r\\nX: a\\r\\n b\\r\\n\\r\\n                 | 400",
        "space before colon           | GET / HTTP/1.1\\r\\nHost : a\\r\\n\\r\\n                                 | 400",
        "no colon                     | GET / HTTP/1.1\\r\\nHost a\\r\\n\\r\\n                                   | 400",
        "two spaces in request line   | GET  / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                                | 400",
        "absolute-form target         | GET http://x/ HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                          | 400",
        "asterisk target              | OPTIONS * HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                              | 400",
        "non-ASCII target             | GET /\\u00e9 HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                           | 400",
        "fragment                     | GET /a#b HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                               | 400",
        "HTTP/2.0                     | GET / HTTP/2.0\\r\\nHost: a\\r\\n\\r\\n                                  | 505",
        "not a version                | GET / HTTX/1.1\\r\\nHost: a\\r\\n\\r\\n                                  | 400",
        "negative Content-Length      | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: -1\\r\\n\\r\\n        | 400",
        "listed Content-Length        | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 1, 1\\r\\n\\r\\n      | 400",
        "two Content-Lengths          | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 1\\r\\nContent-Length: 1\\r\\n\\r\\n | 400",
        "huge Content-Length          | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 99999999999999999999\\r\\n\\r\\n | 400",
        "body over the limit          | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 1001\\r\\n\\r\\n      | 413",
        "length and chunked           | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 1\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n | 400",
        "gzip coding                  | POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n | 501",
        "chunked on HTTP/1.0          | POST / HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n                 | 400",
        "too many headers             | GET / HTTP/1.1\\r\\nHost: a\\r\\nA: 1\\r\\nB: 1\\r\\nC: 1\\r\\nD: 1\\r\\nE: 1\\r\\n\\r\\n | 431",
        "request line too long        | GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n | 414",
        "empty line first             | \\r\\nGET / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                             | 400",
        "bytes after the head         | GET / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\nx                                 | 400",
        "no end                       | GET / HTTP/1.1\\r\\nHost: a\\r\\n                                       | 400",
        "space in Host                | GET / HTTP/1.1\\r\\nHost: a b\\r\\n\\r\\n                                | 400",
        "chunked alone is fine        | POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n  | 0",
      })
  void refusesWhatCouldBeReadTwoWays(String what, String head, int expected) {
    assertThat(status(unescape(head.strip()))).as(what).isEqualTo(expected);
  }

  @Test
  void refusesAHeadOverItsSize() {
    String big = "GET / HTTP/1.1\r\nHost: a\r\nX: " + "a".repeat(300) + "\r\n\r\n";
    assertThat(status(big)).isEqualTo(431);
  }

  @Test
  void parsesAResponse() {
    var result =
        HeadParser.response(
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
            LIMITS);
    ResponseHead head = ((HeadParser.Result.Accepted<ResponseHead>) result).head();
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.contentLength()).hasValue(2);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "HTTP/1.1 2000 OK\\r\\n\\r\\n",
        "ICY 200 OK\\r\\n\\r\\n",
        "HTTP/1.1 200 OK\\r\\nContent-Length: 1\\r\\nContent-Length: 2\\r\\n\\r\\n",
        "HTTP/1.1 200 OK\\nX: a\\r\\n\\r\\n",
      })
  void refusesABadResponseWith502(String head) {
    var result = HeadParser.response(unescape(head).getBytes(StandardCharsets.ISO_8859_1), LIMITS);
    assertThat(((HeadParser.Result.Refused<ResponseHead>) result).rejection().status())
        .isEqualTo(502);
  }

  /** The table's \r, \n and \\uXXXX escapes. */
  static String unescape(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(i + 1);
        if (n == 'r') {
          out.append('\r');
          i++;
          continue;
        }
        if (n == 'n') {
          out.append('\n');
          i++;
          continue;
        }
        if (n == 'u') {
          out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
          i += 5;
          continue;
        }
      }
      out.append(c);
    }
    return out.toString();
  }
}
