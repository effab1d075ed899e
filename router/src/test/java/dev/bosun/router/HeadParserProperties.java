package dev.bosun.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The parser under hostile input: it never throws, and what it accepts is clean. */
class HeadParserProperties {
  private static final Limits LIMITS = new Limits(128, 10, 1024, 1_000_000);
  private static final Set<Integer> REFUSALS = Set.of(400, 413, 414, 431, 501, 505);

  @Property(tries = 2000)
  void anyBytesAreAcceptedOrRefusedWithAClientError(@ForAll @Size(max = 2000) byte[] bytes) {
    switch (HeadParser.request(bytes, LIMITS)) {
      case HeadParser.Result.Accepted<RequestHead> a -> assertClean(a.head());
      case HeadParser.Result.Refused<RequestHead> r ->
          assertThat(REFUSALS).contains(r.rejection().status());
    }
  }

  @Property(tries = 1000)
  void mutatedValidHeadsNeverYieldUncleanHeads(
      @ForAll("validHeads") String head,
      @ForAll @IntRange(min = 0, max = 500) int at,
      @ForAll("nastyBytes") byte inserted) {
    byte[] bytes = head.getBytes(StandardCharsets.ISO_8859_1);
    int i = Math.min(at, bytes.length);
    byte[] mutated = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, mutated, 0, i);
    mutated[i] = inserted;
    System.arraycopy(bytes, i, mutated, i + 1, bytes.length - i);
    if (HeadParser.request(mutated, LIMITS) instanceof HeadParser.Result.Accepted<RequestHead> a) {
      assertClean(a.head());
    }
  }

  @Property
  void validHeadsAreAcceptedAndKeepTheirFields(@ForAll("validHeads") String head) {
    var result = HeadParser.request(head.getBytes(StandardCharsets.ISO_8859_1), LIMITS);
    assertThat(result).isInstanceOf(HeadParser.Result.Accepted.class);
    RequestHead parsed = ((HeadParser.Result.Accepted<RequestHead>) result).head();
    assertThat(parsed.single("Host")).isPresent();
    assertClean(parsed);
  }

  @Property
  void aValueWithCrOrLfInjectedIsRefused(
      @ForAll("tokens") String name,
      @ForAll("tokens") String before,
      @ForAll("crOrLf") String injected) {
    String head =
        "GET / HTTP/1.1\r\nHost: h\r\n" + name + ": " + before + injected + "X-Evil: 1\r\n\r\n";
    assertThat(HeadParser.request(head.getBytes(StandardCharsets.ISO_8859_1), LIMITS))
        .isInstanceOf(HeadParser.Result.Refused.class);
  }

  @Property
  void requestLinesOverTheLimitAre414(@ForAll @IntRange(min = 129, max = 1000) int length) {
    String target = "/" + "a".repeat(length);
    String head = "GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n";
    var result = HeadParser.request(head.getBytes(StandardCharsets.ISO_8859_1), LIMITS);
    int status = ((HeadParser.Result.Refused<RequestHead>) result).rejection().status();
    assertThat(status).isIn(414, 431);
  }

  @Property
  void moreHeadersThanTheLimitAre431(@ForAll @IntRange(min = 10, max = 40) int extra) {
    StringBuilder head = new StringBuilder("GET / HTTP/1.1\r\nHost: h\r\n");
    for (int i = 0; i < extra; i++) head.append("X-").append(i).append(": v\r\n");
    head.append("\r\n");
    var result = HeadParser.request(head.toString().getBytes(StandardCharsets.ISO_8859_1), LIMITS);
    assertThat(((HeadParser.Result.Refused<RequestHead>) result).rejection().status())
        .isEqualTo(431);
  }

  @Property(tries = 500)
  void theReaderNeverTakesMoreThanTheHeadLimit(@ForAll @Size(max = 5000) byte[] bytes)
      throws IOException {
    var in = new ByteArrayInputStream(bytes);
    HeadReader.read(in, LIMITS);
    assertThat(bytes.length - in.available()).isLessThanOrEqualTo(LIMITS.head() + 1);
  }

  private static void assertClean(RequestHead head) {
    assertThat(head.target()).startsWith("/");
    assertThat(head.target()).doesNotContain(" ", "\r", "\n", "#");
    for (Header h : head.headers()) {
      assertThat(h.name()).matches("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
      assertThat(h.value().chars()).noneMatch(c -> c == '\r' || c == '\n' || c == 0);
    }
    assertThat(head.contentLength().isPresent() && head.chunked()).isFalse();
  }

  @Provide
  Arbitrary<String> validHeads() {
    Arbitrary<String> method = Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH");
    Arbitrary<String> path =
        Arbitraries.strings().withChars("abcxyz0123-._~/?=&%").ofMaxLength(40).map(p -> "/" + p);
    Arbitrary<List<String>> headers =
        Combinators.combine(tokens(), Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(30))
            .as(
                (n, v) ->
                    (n.equalsIgnoreCase("host")
                                || n.equalsIgnoreCase("content-length")
                                || n.equalsIgnoreCase("transfer-encoding")
                            ? "X-" + n
                            : n)
                        + ": "
                        + v.strip())
            .list()
            .ofMaxSize(8);
    return Combinators.combine(method, path, headers)
        .as(
            (m, p, hs) ->
                m
                    + " "
                    + p
                    + " HTTP/1.1\r\nHost: router\r\n"
                    + String.join("", hs.stream().map(h -> h + "\r\n").toList())
                    + "\r\n");
  }

  @Provide
  Arbitrary<String> tokens() {
    return Arbitraries.strings().withChars("abcdefXYZ-_0123").ofMinLength(1).ofMaxLength(12);
  }

  @Provide
  Arbitrary<String> crOrLf() {
    return Arbitraries.of("\r", "\n", "\n\r", "\u0000");
  }

  @Provide
  Arbitrary<Byte> nastyBytes() {
    return Arbitraries.of(
        (byte) '\r',
        (byte) '\n',
        (byte) 0,
        (byte) ' ',
        (byte) ':',
        (byte) 0x7f,
        (byte) 0xff,
        (byte) '\t');
  }
}
