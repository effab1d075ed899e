package dev.bosun.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.testkit.Crds;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every object the chart renders, for the default values and for overridden ones, passes the API
 * server's validation and admission in a server-side dry run, in namespaces that carry the Pod
 * Security labels the chart gives them. Workload objects are only warned about by Pod Security, so
 * each Deployment's and DaemonSet's pod template is also dry-run as a Pod, where "restricted" is
 * enforced; and the agent's pod, which only its privileged namespace admits, is refused in the
 * restricted one (so the check can fail).
 */
@ExtendWith(LocalClusterExtension.class)
class ChartDryRunIT {

  /** Namespaces of their own, so that an installed release takes no part. */
  static final String SYSTEM = "chart-dry-run-system";

  static final String NODE = "chart-dry-run-node";

  static final String NAMESPACES = "namespaces.system=" + SYSTEM + ",namespaces.node=" + NODE;

  ClusterInstall install;
  Path workDirectory;

  @BeforeEach
  void crdsAndNamespaces(SharedCluster shared) throws IOException {
    install = ClusterInstall.on(shared);
    try (Stream<Path> files = Files.list(Helm.CHART.resolve("crds"))) {
      files.sorted().forEach(crd -> Crds.apply(install.client(), crd));
    }
    workDirectory = Files.createDirectories(Path.of("target/dry-run"));
    install.nvidiaRuntimeClass();
  }

  @AfterEach
  void deleteNamespaces() {
    install.kubectl().run("delete", "namespace", SYSTEM, NODE, "--ignore-not-found").orThrow();
    // The next test makes them again: not while they are still terminating.
    await("dry-run namespaces gone")
        .atMost(ClusterInstall.GONE_WITHIN)
        .until(() -> install.namespaceGone(SYSTEM) && install.namespaceGone(NODE));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "operator.replicas=3,router.enabled=false,tiers.gpu-xl=null,tiers.cpu-xs.description=tiny,"
            + "tiers.cpu-xs.resources.cpu=100m,tiers.cpu-xs.resources.memory=256Mi,gpuHealthPolicy.spec.effect=NoExecute,"
            + "gpuHealthPolicy.spec.breaker.maxQuarantined=3,sandbox.runtimeClass.enabled=false"
      })
  void everyRenderedObjectPassesAServerSideDryRun(String overrides) throws IOException {
    var arguments = new ArrayList<>(List.of("--set", NAMESPACES));
    if (!overrides.isEmpty()) {
      arguments.addAll(List.of("--set", overrides));
    }
    List<ObjectNode> objects =
        Manifests.parse(install.helm().template(arguments.toArray(String[]::new)));

    // Namespaces and ServiceAccounts are created for real: a dry-run namespace holds nothing, and
    // a pod's admission looks its ServiceAccount up.
    assertThat(ofKind(objects, "Namespace")).hasSize(2);
    for (ObjectNode object : ofKind(objects, "Namespace", "ServiceAccount")) {
      apply(Manifests.YAML.writeValueAsString(object), false);
    }

    for (ObjectNode object : objects) {
      apply(Manifests.YAML.writeValueAsString(object), true);
    }
    for (ObjectNode workload : objects) {
      if (workload.has("spec") && workload.path("spec").has("template")) {
        String namespace = workload.path("metadata").path("namespace").asText();
        var created = dryRunCreate(pod(workload, namespace)).orThrow();
        if (namespace.equals(SYSTEM)) {
          // Not even a warning where "restricted" holds (the agent's namespace warns at baseline).
          assertThat(created.output()).as(Manifests.key(workload)).doesNotContain("Warning");
        }
      }
    }
  }

  @Test
  void theAgentsPodIsRefusedInTheRestrictedNamespace() throws IOException {
    List<ObjectNode> objects = Manifests.parse(install.helm().template("--set", NAMESPACES));
    for (ObjectNode namespace : ofKind(objects, "Namespace")) {
      apply(Manifests.YAML.writeValueAsString(namespace), false);
    }
    ObjectNode agent = ofKind(objects, "DaemonSet").getFirst().deepCopy();
    // Its ServiceAccount lives in the agent's namespace only; Pod Security is what is asked here.
    ((ObjectNode) agent.at("/spec/template/spec")).remove("serviceAccountName");

    var refused = dryRunCreate(pod(agent, SYSTEM));
    assertThat(refused.succeeded()).isFalse();
    assertThat(refused.output()).contains("violates PodSecurity \"restricted:latest\"");
  }

  private static List<ObjectNode> ofKind(List<ObjectNode> objects, String... kinds) {
    List<String> wanted = List.of(kinds);
    return objects.stream().filter(o -> wanted.contains(o.path("kind").asText())).toList();
  }

  /** A Pod as the workload's controller would make it, in {@code namespace}. */
  private static String pod(ObjectNode workload, String namespace) throws IOException {
    ObjectNode pod = Manifests.YAML.createObjectNode();
    pod.put("apiVersion", "v1").put("kind", "Pod");
    ObjectNode metadata = ((ObjectNode) workload.at("/spec/template/metadata")).deepCopy();
    metadata.put("name", workload.at("/metadata/name").asText() + "-dry-run");
    metadata.put("namespace", namespace);
    pod.set("metadata", metadata);
    pod.set("spec", workload.at("/spec/template/spec"));
    return Manifests.YAML.writeValueAsString(pod);
  }

  private void apply(String yaml, boolean dryRun) {
    var arguments =
        new ArrayList<>(
            List.of(
                "apply",
                "--server-side",
                "--force-conflicts",
                "--field-manager=bosun-chart-tests",
                "-f",
                write(yaml).toString()));
    if (dryRun) {
      arguments.add("--dry-run=server");
    }
    install.kubectl().run(arguments).orThrow();
  }

  private Cli.Result dryRunCreate(String yaml) {
    return install.kubectl().run("create", "--dry-run=server", "-f", write(yaml).toString());
  }

  private Path write(String yaml) {
    try {
      Path file = Files.createTempFile(workDirectory, "object", ".yaml");
      Files.writeString(file, yaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
