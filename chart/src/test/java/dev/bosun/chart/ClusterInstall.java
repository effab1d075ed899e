package dev.bosun.chart;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.localcluster.K8sBinaries;
import dev.bosun.testkit.SharedCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Bosun installed (by Helm or kustomize) on the run's local cluster: the tools pointed at it, and
 * the clean slate each install test starts from. The cluster is the test run's own, so taking Bosun
 * off it (its CRDs included) harms nothing.
 */
record ClusterInstall(KubernetesClient client, Helm helm, Cli kubectl) {

  static final String RELEASE = "bosun";

  /** Where the release record lives: not one of the namespaces the chart owns. */
  static final String RELEASE_NAMESPACE = "default";

  static final List<String> NAMESPACES = List.of("bosun-system", "bosun-node");
  static final List<String> KUSTOMIZATIONS_WITHOUT_CUSTOM_RESOURCES =
      List.of("router", "operator", "agent", "sandbox", "mcp");
  static final Duration GONE_WITHIN = Duration.ofMinutes(2);
  static final Duration SETTLED_WITHIN = Duration.ofMinutes(2);

  static ClusterInstall on(SharedCluster shared) {
    Path kubeconfig = shared.cluster().kubeconfig();
    Path kubectl = K8sBinaries.cached().orElseThrow().kubectl();
    return new ClusterInstall(
        shared.client(),
        Helm.find().on(kubeconfig),
        new Cli(kubectl, Map.of()).withKubeconfig(kubeconfig));
  }

  /** No release, no Bosun namespace, no Bosun CRD: what a cluster Bosun never saw looks like. */
  void clean() {
    if (helm.run("status", RELEASE, "-n", RELEASE_NAMESPACE).succeeded()) {
      helm.run("uninstall", RELEASE, "-n", RELEASE_NAMESPACE, "--wait").orThrow();
    }
    // Whatever a kustomize install (or the testkit: the sandbox RuntimeClass) left. Not `delete -k
    // deploy/` as a whole: without the CRDs, kubectl cannot map the Tiers and refuses it all.
    for (String part : KUSTOMIZATIONS_WITHOUT_CUSTOM_RESOURCES) {
      kubectl.run("delete", "-k", "../deploy/" + part, "--ignore-not-found", "--wait").orThrow();
    }
    kubectl.run("delete", "-f", "../deploy/crds", "--ignore-not-found", "--wait").orThrow();
    await("Bosun's namespaces and CRDs gone")
        .atMost(GONE_WITHIN)
        .until(() -> NAMESPACES.stream().allMatch(this::namespaceGone) && bosunCrds().isEmpty());
  }

  /** The agent's RuntimeClass, which NVIDIA's GPU operator makes on a real cluster. */
  void nvidiaRuntimeClass() {
    client
        .resource(
            new RuntimeClassBuilder()
                .withNewMetadata()
                .withName("nvidia")
                .endMetadata()
                .withHandler("nvidia")
                .build())
        .fieldManager("bosun-chart-tests")
        .forceConflicts()
        .serverSideApply();
  }

  /**
   * Until every pod the Deployments and the DaemonSet want exists and runs (the simulated kubelet
   * runs them), so that a later look at the pods sees only what an upgrade did.
   */
  void awaitPodsSettled() {
    await("Bosun's pods all created and running")
        .atMost(SETTLED_WITHIN)
        .until(
            () -> {
              int wanted =
                  client
                          .apps()
                          .deployments()
                          .inNamespace(NAMESPACES.get(0))
                          .list()
                          .getItems()
                          .stream()
                          .mapToInt(d -> d.getSpec().getReplicas())
                          .sum()
                      + client
                          .apps()
                          .daemonSets()
                          .inNamespace(NAMESPACES.get(1))
                          .list()
                          .getItems()
                          .stream()
                          .mapToInt(
                              d ->
                                  d.getStatus() == null
                                      ? -1
                                      : d.getStatus().getDesiredNumberScheduled())
                          .sum();
              List<Pod> pods = pods(client);
              return pods.size() == wanted
                  && pods.stream().allMatch(p -> "Running".equals(p.getStatus().getPhase()));
            });
  }

  static List<Pod> pods(KubernetesClient client) {
    return NAMESPACES.stream()
        .flatMap(namespace -> client.pods().inNamespace(namespace).list().getItems().stream())
        .toList();
  }

  boolean namespaceGone(String name) {
    return client.namespaces().withName(name).get() == null;
  }

  List<String> bosunCrds() {
    return client.apiextensions().v1().customResourceDefinitions().list().getItems().stream()
        .map(crd -> crd.getMetadata().getName())
        .filter(name -> name.endsWith(".bosun.dev"))
        .sorted()
        .toList();
  }

  /** The object a manifest names, as the cluster has it; null when it does not exist. */
  GenericKubernetesResource get(JsonNode manifest) {
    var resources =
        client.genericKubernetesResources(
            manifest.path("apiVersion").asText(), manifest.path("kind").asText());
    String namespace = manifest.path("metadata").path("namespace").asText("");
    String name = manifest.path("metadata").path("name").asText();
    return namespace.isEmpty()
        ? resources.withName(name).get()
        : resources.inNamespace(namespace).withName(name).get();
  }
}
