package dev.bosun.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import dev.bosun.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upgrading from the previous release keeps everything: the previous release is the chart's first
 * version, 0.1.0, packaged from this repository when it was committed (src/test/resources/
 * bosun-0.1.0.tgz; chart/README.md says which commit). With it installed and Workloads created, the
 * CRDs are applied from the current chart and `helm upgrade` moves to it with one unrelated value
 * changed (a tier's price): the Workloads are the same objects with the same spec, and the
 * operator's and router's Deployments and the agent's DaemonSet are not rolled (same generation,
 * same pods), though Helm did rewrite them (their chart label). A changed operator image, on the
 * other hand, rolls the operator alone.
 */
@ExtendWith(LocalClusterExtension.class)
class ChartUpgradeIT {

  static final Path PREVIOUS_RELEASE = Path.of("src/test/resources/bosun-0.1.0.tgz");
  static final List<Path> WORKLOADS =
      List.of(Path.of("../examples/web-api.yaml"), Path.of("../examples/chat.yaml"));

  @Test
  void upgradeKeepsWorkloadsAndRestartsNothingItNeedNot(
      SharedCluster shared, KubernetesClient client, TestNamespace namespace) throws IOException {
    var install = ClusterInstall.on(shared);
    install.clean();
    install.nvidiaRuntimeClass();
    var helm = install.helm();
    helm.run(
            "install",
            ClusterInstall.RELEASE,
            PREVIOUS_RELEASE.toString(),
            "-n",
            ClusterInstall.RELEASE_NAMESPACE,
            "-f",
            Helm.LINT_VALUES.toString())
        .orThrow();
    assertThat(chartLabel(client)).isEqualTo("bosun-0.1.0");

    for (Path file : WORKLOADS) {
      var workload =
          client
              .getKubernetesSerialization()
              .unmarshal(Files.readString(file), GenericKubernetesResource.class);
      client.resource(workload).inNamespace(namespace.name()).create();
    }
    Map<String, GenericKubernetesResource> workloadsBefore = workloads(client, namespace);
    install.awaitPodsSettled();
    Map<String, Long> generationsBefore = controllerGenerations(client);
    List<String> podsBefore = bosunPods(client);

    install
        .kubectl()
        .run(
            "apply",
            "--server-side",
            "--force-conflicts",
            "-f",
            Helm.CHART.resolve("crds").toString())
        .orThrow();
    upgradeToThisChart(helm, "tiers.cpu-s.costPerHour=0.03");

    assertThat(chartLabel(client)).as("Helm rewrote the Deployment").isNotEqualTo("bosun-0.1.0");
    assertThat(tier(client, "cpu-s").getAdditionalProperties().get("spec").toString())
        .contains("costPerHour=0.03");
    Map<String, GenericKubernetesResource> workloadsAfter = workloads(client, namespace);
    assertThat(workloadsAfter.keySet()).containsExactlyElementsOf(workloadsBefore.keySet());
    workloadsBefore.forEach(
        (name, before) -> {
          var after = workloadsAfter.get(name);
          assertThat(after.getMetadata().getUid())
              .as(name)
              .isEqualTo(before.getMetadata().getUid());
          assertThat(after.getMetadata().getGeneration())
              .as(name)
              .isEqualTo(before.getMetadata().getGeneration());
          assertThat(after.getAdditionalProperties().get("spec"))
              .as(name)
              .isEqualTo(before.getAdditionalProperties().get("spec"));
        });
    assertThat(controllerGenerations(client)).isEqualTo(generationsBefore);
    install.awaitPodsSettled();
    assertThat(bosunPods(client)).isEqualTo(podsBefore);

    // The check can fail: a new operator digest rolls the operator, and only it.
    upgradeToThisChart(helm, "images.operator.digest=sha256:" + "9".repeat(64));
    var rolled = new TreeMap<>(generationsBefore);
    rolled.merge("Deployment/bosun-operator", 1L, Long::sum);
    assertThat(controllerGenerations(client)).isEqualTo(rolled);

    helm.run("uninstall", ClusterInstall.RELEASE, "-n", ClusterInstall.RELEASE_NAMESPACE, "--wait")
        .orThrow();
    assertThat(workloads(client, namespace).keySet())
        .as("Workloads outlive the release: Helm keeps the CRDs")
        .containsExactlyElementsOf(workloadsBefore.keySet());
  }

  /** `helm upgrade` to the chart in this checkout, the lint digests and {@code set} on top. */
  private static void upgradeToThisChart(Helm helm, String set) {
    helm.run(
            "upgrade",
            ClusterInstall.RELEASE,
            Helm.CHART.toString(),
            "-n",
            ClusterInstall.RELEASE_NAMESPACE,
            "-f",
            Helm.LINT_VALUES.toString(),
            "--set",
            set)
        .orThrow();
  }

  private static String chartLabel(KubernetesClient client) {
    return client
        .apps()
        .deployments()
        .inNamespace("bosun-system")
        .withName("bosun-operator")
        .get()
        .getMetadata()
        .getLabels()
        .get("helm.sh/chart");
  }

  private static GenericKubernetesResource tier(KubernetesClient client, String name) {
    return client.genericKubernetesResources("bosun.dev/v1alpha1", "Tier").withName(name).get();
  }

  private static Map<String, GenericKubernetesResource> workloads(
      KubernetesClient client, TestNamespace namespace) {
    var byName = new TreeMap<String, GenericKubernetesResource>();
    client
        .genericKubernetesResources("bosun.dev/v1alpha1", "Workload")
        .inNamespace(namespace.name())
        .list()
        .getItems()
        .forEach(w -> byName.put(w.getMetadata().getName(), w));
    return byName;
  }

  private static Map<String, Long> controllerGenerations(KubernetesClient client) {
    var generations = new TreeMap<String, Long>();
    client
        .apps()
        .deployments()
        .inNamespace("bosun-system")
        .list()
        .getItems()
        .forEach(
            d ->
                generations.put(
                    "Deployment/" + d.getMetadata().getName(), d.getMetadata().getGeneration()));
    client
        .apps()
        .daemonSets()
        .inNamespace("bosun-node")
        .list()
        .getItems()
        .forEach(
            d ->
                generations.put(
                    "DaemonSet/" + d.getMetadata().getName(), d.getMetadata().getGeneration()));
    return generations;
  }

  /** The uids of the pods in Bosun's namespaces: a rolled controller replaces them. */
  private static List<String> bosunPods(KubernetesClient client) {
    return ClusterInstall.pods(client).stream()
        .map(Pod::getMetadata)
        .map(m -> m.getNamespace() + "/" + m.getName() + "/" + m.getUid())
        .sorted()
        .toList();
  }
}
