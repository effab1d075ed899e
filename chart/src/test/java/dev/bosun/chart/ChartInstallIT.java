package dev.bosun.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * `helm install` on a cluster without Bosun creates every object of the chart and its CRDs, and
 * `helm uninstall` takes the objects away but keeps the CRDs (Helm never deletes crds/), so no
 * one's Workloads go with the chart.
 */
@ExtendWith(LocalClusterExtension.class)
class ChartInstallIT {

  @Test
  void installCreatesEveryBosunObjectAndUninstallKeepsTheCrds(SharedCluster shared)
      throws Exception {
    var install = ClusterInstall.on(shared);
    install.clean();

    long start = System.nanoTime();
    install
        .helm()
        .run(
            "install",
            ClusterInstall.RELEASE,
            Helm.CHART.toString(),
            "-n",
            ClusterInstall.RELEASE_NAMESPACE,
            "-f",
            Helm.LINT_VALUES.toString())
        .orThrow();
    long installed = System.nanoTime();
    List<ObjectNode> manifest = releaseManifest(install);
    assertThat(manifest)
        .allSatisfy(
            object -> assertThat(install.get(object)).as(Manifests.key(object)).isNotNull());
    long everyObject = System.nanoTime();
    // The figure docs/benchmarks.md quotes ("Helm chart (issue 14)").
    System.out.printf(
        "[chart] helm install: %d ms; every one of its %d objects and %d CRDs read back: %d ms%n",
        (installed - start) / 1_000_000,
        manifest.size(),
        install.bosunCrds().size(),
        (everyObject - start) / 1_000_000);

    assertThat(manifest.stream().map(Manifests::key))
        .contains(
            "Namespace/bosun-system",
            "Namespace/bosun-node",
            "Deployment/bosun-system/bosun-operator",
            "Deployment/bosun-system/bosun-sandbox-router",
            "DaemonSet/bosun-node/bosun-agent",
            "ValidatingAdmissionPolicy/bosun-agent-own-node-only",
            "RuntimeClass/bosun-sandbox",
            "GpuHealthPolicy/default",
            "Tier/cpu-s",
            "Tier/gpu-xl");
    assertThat(install.bosunCrds()).containsExactlyElementsOf(chartCrdNames());

    install
        .helm()
        .run("uninstall", ClusterInstall.RELEASE, "-n", ClusterInstall.RELEASE_NAMESPACE, "--wait")
        .orThrow();
    assertThat(manifest)
        .filteredOn(object -> !object.path("kind").asText().equals("Namespace"))
        .allSatisfy(object -> assertThat(install.get(object)).as(Manifests.key(object)).isNull());
    assertThat(install.bosunCrds()).as("CRDs kept").containsExactlyElementsOf(chartCrdNames());
  }

  static List<ObjectNode> releaseManifest(ClusterInstall install) {
    return Manifests.parse(
        install
            .helm()
            .run("get", "manifest", ClusterInstall.RELEASE, "-n", ClusterInstall.RELEASE_NAMESPACE)
            .orThrow()
            .output());
  }

  static List<String> chartCrdNames() throws Exception {
    try (Stream<Path> files = Files.list(Helm.CHART.resolve("crds"))) {
      return files
          .map(file -> Manifests.read(file).getFirst().path("metadata").path("name").asText())
          .sorted()
          .toList();
    }
  }
}
