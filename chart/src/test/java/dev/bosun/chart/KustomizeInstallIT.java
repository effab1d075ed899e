package dev.bosun.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The kustomize path in one command: the line deploy/README.md gives (read from the README, so the
 * documentation cannot rot) installs every object of deploy/ on a cluster without Bosun, where a
 * plain `kubectl apply -k deploy/` stops at the Tiers, whose CRD it has not yet seen established.
 */
@ExtendWith(LocalClusterExtension.class)
class KustomizeInstallIT {

  static final Path README = Path.of("../deploy/README.md");
  static final String ONE_LINER_START = "kubectl apply --server-side -f deploy/crds/ &&";

  @Test
  void theDocumentedOneLinerInstallsEveryObjectOnAFreshCluster(SharedCluster shared)
      throws IOException {
    var install = ClusterInstall.on(shared);
    install.clean();
    try {
      String oneLiner = oneLiner();
      Path kubectl = install.kubectl().binary();
      var shell =
          new Cli(
              Path.of("/bin/bash"),
              Map.of(
                  "KUBECONFIG",
                  install.kubectl().environment().get("KUBECONFIG"),
                  "PATH",
                  kubectl.getParent() + ":" + System.getenv("PATH")));
      shell.run("-c", "cd .. && " + oneLiner).orThrow();

      List<ObjectNode> deploy = Manifests.kustomization(Path.of("../deploy"));
      assertThat(deploy).hasSizeGreaterThan(30);
      assertThat(deploy)
          .allSatisfy(
              object -> assertThat(install.get(object)).as(Manifests.key(object)).isNotNull());
    } finally {
      install.clean();
    }
  }

  /** The one line in deploy/README.md that installs it all. */
  static String oneLiner() throws IOException {
    List<String> lines =
        Files.readAllLines(README).stream()
            .filter(line -> line.startsWith(ONE_LINER_START))
            .toList();
    assertThat(lines).as("deploy/README.md's install line").hasSize(1);
    return lines.getFirst();
  }
}
