package dev.bosun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.testkit.Crds;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The CLI as {@code ./bosun} runs it: the packaged jar, its libraries (picocli rewritten as Java 8
 * class files by the build) and the AOT cache. {@code -XX:AOTMode=on} makes the JVM fail when the
 * cache is missing or does not match the launcher's options, and the launcher prints every JVM
 * warning: so an empty standard error means the cache was used as it was trained.
 */
class PackagedCliIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  record Run(int exitCode, String out, String err) {}

  private static Run bosun(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("bosun").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
    builder.environment().put("JDK_JAVA_OPTIONS", "-XX:AOTMode=on");
    Path out = Files.createTempFile("bosun-out", ".txt");
    Path err = Files.createTempFile("bosun-err", ".txt");
    try {
      Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("bosun finished").isTrue();
      String stderr =
          Files.readString(err)
              .lines()
              .filter(line -> !line.startsWith("NOTE: Picked up JDK_JAVA_OPTIONS"))
              .map(line -> line + "\n")
              .collect(Collectors.joining());
      return new Run(process.exitValue(), Files.readString(out), stderr);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  @Test
  void rendersAWorkloadWithTheTrainedCache() throws Exception {
    Run run = bosun("render", "-f", "examples/chat.yaml");
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .startsWith("---\napiVersion: v1\nkind: ServiceAccount\n")
        .contains("kind: Deployment", ConditionTypes.GPU_HEALTHY_GATE);
  }

  @Test
  void rendersEveryExampleAsOneJsonList() throws Exception {
    Run run = bosun("render", "-f", "examples", "-o", "json");
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    JsonNode list = new ObjectMapper().readTree(run.out());
    assertThat(list.get("kind").asText()).isEqualTo("List");
    assertThat(list.get("items")).hasSizeGreaterThan(20);
  }

  @Test
  void badInputIsExitCodeTwoWithTheFieldPath() throws Exception {
    Run run = bosun("validate", "-f", "cli/src/test/resources/does-not-exist.yaml");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("does-not-exist.yaml: no such file");
    assertThat(run.out()).isEmpty();
  }

  /**
   * Only Bosun speaks on the terminal: fabric8's warnings (its v1alpha1 notice on every call) stay
   * out.
   */
  @Test
  @ExtendWith(LocalClusterExtension.class)
  void statusOnAClusterPrintsNoLibraryWarnings(SharedCluster cluster) throws Exception {
    for (String crd : List.of("workloads", "tiers", "environments")) {
      Crds.apply(cluster.client(), ROOT.resolve("deploy/crds/" + crd + ".bosun.dev-v1.yml"));
    }
    Run run = bosun("status", "--kubeconfig", cluster.cluster().kubeconfig().toString());
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
  }

  @Test
  void helpListsTheCommands() throws Exception {
    Run run = bosun("--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("render", "validate", "tiers", "deploy", "operator");
  }
}
