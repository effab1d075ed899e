package dev.bosun.mcp;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OriginCheckTest {

  @ParameterizedTest(name = "loopback={0} Host={1} Origin={2}: refused={3}")
  @CsvSource(
      nullValues = "-",
      value = {
        // Served on loopback: loopback names only, any port, any case.
        "true,  localhost:8080,         -,                            false",
        "true,  127.0.0.1:18093,        -,                            false",
        "true,  [::1]:18093,            -,                            false",
        "true,  LOCALHOST,              -,                            false",
        "true,  evil.example.com,       -,                            true",
        "true,  evil.example.com:8080,  -,                            true",
        "true,  localhost.evil.com,     -,                            true",
        "true,  127.0.0.2,              -,                            true",
        "true,  -,                      -,                            true",
        // An Origin must name the Host's host.
        "true,  localhost:8080,         http://localhost:8080,        false",
        "true,  127.0.0.1:8080,         https://127.0.0.1,            false",
        "true,  localhost:8080,         http://evil.example.com,      true",
        "true,  localhost:8080,         null,                         true",
        "true,  localhost:8080,         file:///etc/passwd,           true",
        "true,  localhost:8080,         not a uri,                    true",
        // Elsewhere: any Host (a Service's name), the same rule for an Origin.
        "false, bosun-mcp.bosun-system.svc:8080, -,                   false",
        "false, mcp.example.com,        https://mcp.example.com,      false",
        "false, mcp.example.com,        https://evil.example.com,     true",
        "false, -,                      https://evil.example.com,     true",
      })
  void hostsAndOrigins(boolean loopback, String host, String origin, boolean refused) {
    var refusal = new OriginCheck(loopback).refusal(host, origin);
    assertThat(refusal.isPresent()).as("%s", refusal).isEqualTo(refused);
  }

  @ParameterizedTest
  @CsvSource({"evil.example.com,Host \"evil.example.com\"", "'a\u0000b',Host \"a?b\""})
  void theRefusalQuotesTheHeaderWithoutControlCharacters(String host, String quoted) {
    assertThat(new OriginCheck(true).refusal(host, null)).get(as(STRING)).contains(quoted);
  }

  /** Hostile headers never throw, and on loopback only a loopback name passes. */
  @Property(tries = 2000)
  void anyHeadersGetAnAnswer(@ForAll String host, @ForAll String origin) {
    var check = new OriginCheck(true);
    var refusal = check.refusal(host, null);
    check.refusal(host, origin);
    String name = host.strip().toLowerCase(Locale.ROOT);
    boolean loopbackName =
        name.matches("(localhost|127\\.0\\.0\\.1)(:.*)?") || name.startsWith("[::1]");
    if (!loopbackName) {
      assertThat(refusal).isPresent();
    }
  }
}
