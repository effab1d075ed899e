package dev.bosun.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The versions ToolBinary looks for are the ones its scripts make by default, so the cache it reads
 * is the one the script writes.
 */
class ToolBinaryTest {

  static final Path SCRIPT = Path.of("../hack/build-tools.sh");

  @ParameterizedTest
  @ValueSource(strings = {"helm", "crane", "promtool", "metrics-server"})
  void versionsAreTheScriptsDefaults(String tool) throws IOException {
    ToolBinary binary =
        switch (tool) {
          case "helm" -> ToolBinary.HELM;
          case "crane" -> ToolBinary.CRANE;
          case "promtool" -> ToolBinary.PROMTOOL;
          default -> ToolBinary.METRICS_SERVER;
        };
    String variable = tool.toUpperCase().replace('-', '_') + "_VERSION";
    var matcher =
        Pattern.compile(variable + "=\"\\$\\{" + variable + ":-v([^}]+)}\"")
            .matcher(Files.readString(SCRIPT));
    assertThat(matcher.find()).as("%s in %s", variable, SCRIPT).isTrue();
    assertThat(binary.version()).isEqualTo(matcher.group(1));
    assertThat(binary.tool()).isEqualTo(tool);
    assertThat(binary.cacheDirectory())
        .isEqualTo(
            BuildScripts.cacheHome().resolve("tools").resolve(tool).resolve(matcher.group(1)));
    assertThat(binary.script()).isEqualTo("hack/build-tools.sh");
  }

  @Test
  void theConformanceSuitesVersionIsItsInstallersDefault() throws IOException {
    Path installer = Path.of("..").resolve(ToolBinary.MCP_CONFORMANCE.script());
    var matcher =
        Pattern.compile("MCP_CONFORMANCE_VERSION=\"\\$\\{MCP_CONFORMANCE_VERSION:-([^}]+)}\"")
            .matcher(Files.readString(installer));
    assertThat(matcher.find()).as("MCP_CONFORMANCE_VERSION in %s", installer).isTrue();
    assertThat(ToolBinary.MCP_CONFORMANCE.version()).isEqualTo(matcher.group(1));
    assertThat(ToolBinary.MCP_CONFORMANCE.cacheDirectory())
        .isEqualTo(
            BuildScripts.cacheHome()
                .resolve("tools")
                .resolve("mcp-conformance")
                .resolve(matcher.group(1)));
  }
}
