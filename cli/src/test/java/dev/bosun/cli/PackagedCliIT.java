package dev.bosun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.testkit.Crds;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The CLI as {@code ./bosun} runs it: the packaged jar, its libraries (picocli rewritten as Java 8
 * class files by the build) and the AOT cache. {@link BosunProcess} makes the JVM fail when the
 * cache is missing or does not match the launcher's options, and the launcher prints every JVM
 * warning: so an empty standard error means the cache was used as it was trained.
 */
class PackagedCliIT {
  private static BosunProcess.Result bosun(String... args)
      throws IOException, InterruptedException {
    return BosunProcess.launcher(args).run();
  }

  @Test
  void rendersAWorkloadWithTheTrainedCache() throws Exception {
    BosunProcess.Result run = bosun("render", "-f", "examples/chat.yaml");
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .startsWith("---\napiVersion: v1\nkind: ServiceAccount\n")
        .contains("kind: Deployment", ConditionTypes.GPU_HEALTHY_GATE);
  }

  @Test
  void rendersEveryExampleAsOneJsonList() throws Exception {
    BosunProcess.Result run = bosun("render", "-f", "examples", "-o", "json");
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    JsonNode list = new ObjectMapper().readTree(run.out());
    assertThat(list.get("kind").asText()).isEqualTo("List");
    assertThat(list.get("items")).hasSizeGreaterThan(20);
  }

  @Test
  void badInputIsExitCodeTwoWithTheFieldPath() throws Exception {
    BosunProcess.Result run = bosun("validate", "-f", "cli/src/test/resources/does-not-exist.yaml");
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
      Crds.apply(
          cluster.client(), BosunProcess.ROOT.resolve("deploy/crds/" + crd + ".bosun.dev-v1.yml"));
    }
    BosunProcess.Result run =
        bosun("status", "--kubeconfig", cluster.cluster().kubeconfig().toString());
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
  }

  @Test
  void helpListsTheCommands() throws Exception {
    BosunProcess.Result run = bosun("--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("render", "validate", "tiers", "deploy", "operator", "router", "sandbox");
  }
}
