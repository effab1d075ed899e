package dev.bosun.router;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses HTTP/1.x heads strictly (RFC 9112), from the bytes {@link HeadReader} collected up to and
 * including the empty line. Anything a lenient server might read two ways is refused: bare CR or
 * LF, obsolete line folding, whitespace before a colon, control characters, a target that is not
 * origin-form, a missing or repeated Host on HTTP/1.1, a repeated or non-numeric Content-Length,
 * Content-Length together with Transfer-Encoding, and any coding but chunked.
 */
public final class HeadParser {
  /** What parsing gave: a head, or a refusal with the status to answer. */
  public sealed interface Result<T> {
    record Accepted<T>(T head) implements Result<T> {}

    record Refused<T>(Rejection rejection) implements Result<T> {}
  }

  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
  private static final Pattern VERSION = Pattern.compile("HTTP/[0-9]\\.[0-9]");
  private static final Pattern STATUS = Pattern.compile("[1-5][0-9][0-9]");
  private static final String HTTP_1_0 = "HTTP/1.0";
  private static final String HTTP_1_1 = "HTTP/1.1";

  private HeadParser() {}

  public static Result<RequestHead> request(byte[] head, Limits limits) {
    if (head.length > limits.head()) {
      return refused(431, "request head larger than " + limits.head() + " bytes");
    }
    List<String> lines = new ArrayList<>();
    Rejection framing = lines(head, lines);
    if (framing != null) return new Result.Refused<>(framing);
    String requestLine = lines.getFirst();
    if (requestLine.length() > limits.requestLine()) {
      return refused(414, "request line longer than " + limits.requestLine() + " bytes");
    }
    String[] parts = requestLine.split(" ", -1);
    if (parts.length != 3) {
      return refused(400, "the request line is not METHOD SP TARGET SP VERSION");
    }
    String method = parts[0];
    String target = parts[1];
    String version = parts[2];
    if (!TOKEN.matcher(method).matches()) return refused(400, "the method is not a token");
    if (!VERSION.matcher(version).matches()) return refused(400, "not an HTTP version");
    if (!version.equals(HTTP_1_1) && !version.equals(HTTP_1_0)) {
      return refused(505, "only HTTP/1.1 and HTTP/1.0 are served");
    }
    String badTarget = targetProblem(target);
    if (badTarget != null) return refused(400, badTarget);
    List<Header> headers = new ArrayList<>();
    Rejection badHeaders = headers(lines, limits.headerCount(), headers);
    if (badHeaders != null) return new Result.Refused<>(badHeaders);

    List<String> hosts = Heads.values(headers, "Host");
    if (version.equals(HTTP_1_1) && hosts.size() != 1) {
      return refused(400, hosts.isEmpty() ? "no Host header" : "more than one Host header");
    }
    if (hosts.stream().anyMatch(h -> h.indexOf(' ') >= 0 || h.indexOf('\t') >= 0)) {
      return refused(400, "whitespace in the Host header");
    }
    Rejection badFraming = bodyFramingProblem(headers, version, limits.body());
    if (badFraming != null) return new Result.Refused<>(badFraming);
    return new Result.Accepted<>(new RequestHead(method, target, version, headers));
  }

  public static Result<ResponseHead> response(byte[] head, Limits limits) {
    if (head.length > limits.head()) {
      return refused(502, "response head larger than " + limits.head() + " bytes");
    }
    List<String> lines = new ArrayList<>();
    Rejection framing = lines(head, lines);
    if (framing != null) return refused(502, "the sandbox's response: " + framing.reason());
    String[] parts = lines.getFirst().split(" ", 3);
    if (parts.length < 2
        || !(parts[0].equals(HTTP_1_1) || parts[0].equals(HTTP_1_0))
        || !STATUS.matcher(parts[1]).matches()) {
      return refused(502, "the sandbox's response has no HTTP/1.x status line");
    }
    List<Header> headers = new ArrayList<>();
    Rejection badHeaders = headers(lines, limits.headerCount(), headers);
    if (badHeaders != null) {
      return refused(502, "the sandbox's response: " + badHeaders.reason());
    }
    List<String> lengths = Heads.values(headers, "Content-Length");
    if (lengths.size() > 1 || lengths.stream().anyMatch(l -> !DIGITS.matcher(l).matches())) {
      return refused(502, "the sandbox's response has a bad Content-Length");
    }
    return new Result.Accepted<>(
        new ResponseHead(
            parts[0], Integer.parseInt(parts[1]), parts.length == 3 ? parts[2] : "", headers));
  }

  /**
   * Splits the head into its lines (without CRLF) into {@code into}; the last line must be the
   * empty one that ends the head, and nothing may follow it.
   */
  private static Rejection lines(byte[] head, List<String> into) {
    int start = 0;
    for (int i = 0; i < head.length; i++) {
      byte b = head[i];
      if (b == '\n') return new Rejection(400, "a line ends in LF without CR");
      if (b != '\r') continue;
      if (i + 1 >= head.length || head[i + 1] != '\n') {
        return new Rejection(400, "a CR not followed by LF");
      }
      String line = new String(head, start, i - start, StandardCharsets.ISO_8859_1);
      i++;
      start = i + 1;
      if (line.isEmpty()) {
        if (into.isEmpty()) return new Rejection(400, "an empty line before the request line");
        if (start != head.length) return new Rejection(400, "bytes after the end of the head");
        return null;
      }
      into.add(line);
    }
    return new Rejection(400, "the head does not end with an empty line");
  }

  private static Rejection headers(List<String> lines, int maxCount, List<Header> into) {
    if (lines.size() - 1 > maxCount) {
      return new Rejection(431, "more than " + maxCount + " header fields");
    }
    for (String line : lines.subList(1, lines.size())) {
      char first = line.charAt(0);
      if (first == ' ' || first == '\t') {
        return new Rejection(400, "obsolete line folding in a header");
      }
      int colon = line.indexOf(':');
      if (colon <= 0) return new Rejection(400, "a header line without a name and colon");
      String name = line.substring(0, colon);
      if (!TOKEN.matcher(name).matches()) {
        return new Rejection(400, "a header name that is not a token");
      }
      String value = trimOws(line.substring(colon + 1));
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c != '\t' && (c < 0x20 || c == 0x7f)) {
          return new Rejection(400, "a control character in header " + name);
        }
      }
      into.add(new Header(name, value));
    }
    return null;
  }

  private static Rejection bodyFramingProblem(List<Header> headers, String version, long maxBody) {
    List<String> lengths = Heads.values(headers, "Content-Length");
    List<String> codings = Heads.values(headers, "Transfer-Encoding");
    if (!lengths.isEmpty() && !codings.isEmpty()) {
      return new Rejection(400, "both Content-Length and Transfer-Encoding");
    }
    if (lengths.size() > 1) return new Rejection(400, "more than one Content-Length");
    if (lengths.size() == 1) {
      if (!DIGITS.matcher(lengths.getFirst()).matches()) {
        return new Rejection(400, "Content-Length is not a number");
      }
      if (Long.parseLong(lengths.getFirst()) > maxBody) {
        return new Rejection(413, "request body larger than " + maxBody + " bytes");
      }
    }
    if (!codings.isEmpty()) {
      if (version.equals(HTTP_1_0)) {
        return new Rejection(400, "Transfer-Encoding on HTTP/1.0");
      }
      if (codings.size() > 1 || !codings.getFirst().equalsIgnoreCase("chunked")) {
        return new Rejection(501, "only the chunked transfer coding is served");
      }
    }
    return null;
  }

  /** Null when {@code target} is an origin-form target of visible ASCII, else why not. */
  private static String targetProblem(String target) {
    if (!target.startsWith("/")) return "the target is not an absolute path";
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c <= 0x20 || c >= 0x7f) return "the target has a byte that is not visible ASCII";
      if (c == '#') return "the target has a fragment";
    }
    return null;
  }

  private static String trimOws(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) from++;
    while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) to--;
    return s.substring(from, to);
  }

  private static <T> Result<T> refused(int status, String reason) {
    return new Result.Refused<>(new Rejection(status, reason));
  }
}
