package dev.bosun.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bosun.localcluster.ToolBinary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Model Context Protocol's own conformance suite (npm {@code @modelcontextprotocol/conformance}
 * on Node.js 22, both installed by {@code hack/install-mcp-conformance.sh}) against the server over
 * streamable HTTP, in process with the unit tests' guardrails: the protocol is under test here, not
 * the cluster.
 *
 * <p>The suite's client sends no credentials, so a {@link BearerProxy} adds the token. Scenarios
 * that call the suite's own fixtures are its expected failures ({@code
 * conformance-expected-failures.yml}, each with its reason); the suite fails the run when one of
 * them passes, too.
 */
class McpConformanceIT {
  private static final String TOKEN = "conformance-token";

  /** What Bosun's server must pass: every scenario that asks only what any server must do. */
  private static final List<String> MUST_PASS =
      List.of(
          "server-initialize",
          "ping",
          "logging-set-level",
          "tools-list",
          "resources-list",
          "server-sse-multiple-streams",
          "dns-rebinding-protection");

  private static final Pattern RESULT_DIRECTORY =
      Pattern.compile("server-(.+)-\\d{4}-\\d{2}-\\d{2}T[\\d-]+Z");

  @Test
  void theServerPassesTheProtocolsConformanceSuite(@TempDir Path results) throws Exception {
    Path suite = ToolBinary.MCP_CONFORMANCE.ensureBuilt(System.err::println);
    var server = StagingOnlyGuardrails.server(new ConcurrentHashMap<>());
    try (var http =
            HttpTransport.start(
                server,
                "127.0.0.1",
                0,
                token ->
                    token.equals(TOKEN) ? Optional.of(McpServerTest.AGENT) : Optional.empty());
        var proxy = BearerProxy.start(http.port(), TOKEN)) {
      Path output = results.resolve("output.txt");
      Process run =
          new ProcessBuilder(
                  suite.toString(),
                  "server",
                  "--url",
                  "http://localhost:" + proxy.port() + HttpTransport.ENDPOINT,
                  "--suite",
                  "all",
                  "--expected-failures",
                  Path.of("src/test/resources/conformance-expected-failures.yml")
                      .toAbsolutePath()
                      .toString(),
                  "--output-dir",
                  results.toString())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!run.waitFor(5, TimeUnit.MINUTES)) {
        run.destroyForcibly();
      }
      String printed = Files.readString(output);
      assertThat(run.exitValue()).as("the suite's exit status; it printed:%n%s", printed).isZero();

      Map<String, List<String>> statuses = statusesByScenario(results);
      for (String scenario : MUST_PASS) {
        assertThat(statuses.get(scenario))
            .as("the checks of %s (all: %s)", scenario, statuses)
            .contains("SUCCESS")
            .doesNotContain("FAILURE");
      }
    }
  }

  /** Each scenario's check statuses, from the suite's {@code server-<scenario>-<time>/} folders. */
  private static Map<String, List<String>> statusesByScenario(Path results) throws IOException {
    Map<String, List<String>> statuses = new HashMap<>();
    try (Stream<Path> folders = Files.list(results)) {
      for (Path folder : folders.filter(Files::isDirectory).toList()) {
        var name = RESULT_DIRECTORY.matcher(folder.getFileName().toString());
        Path checks = folder.resolve("checks.json");
        if (name.matches() && Files.isRegularFile(checks)) {
          List<?> read = new ObjectMapper().readValue(checks.toFile(), List.class);
          statuses.put(
              name.group(1),
              read.stream()
                  .map(check -> String.valueOf(((Map<?, ?>) check).get("status")))
                  .toList());
        }
      }
    }
    return statuses;
  }
}
