package dev.bosun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bosun.testkit.Crds;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import dev.bosun.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bosun version} against the local cluster: the CRDs of deploy/crds as the API server
 * returns them read as this CLI's own; an operator Deployment of another minor version is warned
 * about; an unreachable cluster is one line, exit 3.
 */
@ExtendWith(LocalClusterExtension.class)
class VersionCommandIT {

  @Test
  void readsTheOperatorAndTheCrdsAndWarnsOnSkew(
      KubernetesClient client, TestNamespace namespace, SharedCluster cluster) throws Exception {
    try (Stream<Path> crds = Files.list(BosunProcess.ROOT.resolve("deploy/crds"))) {
      crds.sorted().forEach(crd -> Crds.apply(cluster.client(), crd));
    }
    client.resource(operatorDeployment("9.4.1")).create();

    var run =
        CliTest.bosun(
            "version", "--kubeconfig", cluster.cluster().kubeconfig().toString(), "-o", "json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode report = new ObjectMapper().readTree(run.out());
    assertThat(report.get("crds")).hasSize(10);
    report
        .get("crds")
        .forEach(crd -> assertThat(crd.get("state").asText()).as(crd.toString()).isEqualTo("SAME"));
    JsonNode operator =
        StreamSupport.stream(report.get("operators").spliterator(), false)
            .filter(o -> namespace.name().equals(o.get("namespace").asText()))
            .findFirst()
            .orElseThrow();
    assertThat(operator.get("version").asText()).isEqualTo("9.4.1");
    assertThat(run.err())
        .contains("warning: operator " + namespace.name() + "/bosun-operator runs 9.4.1");
  }

  @Test
  void anUnreachableClusterIsOneLineAndExitThree(@TempDir Path dir) throws Exception {
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: gone, cluster: {server: "https://127.0.0.1:1"}}]
        contexts: [{name: gone, context: {cluster: gone, user: nobody}}]
        current-context: gone
        users: [{name: nobody, user: {token: x}}]
        """);

    var run = CliTest.bosun("version", "--kubeconfig", kubeconfig.toString());

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).startsWith("bosun ");
    assertThat(run.err())
        .startsWith("Cannot ask the cluster for its versions: ")
        .doesNotContain("\tat ");
  }

  private static Deployment operatorDeployment(String version) {
    Map<String, String> labels =
        Map.of(VersionCommand.OPERATOR_NAME_LABEL, VersionCommand.OPERATOR_NAME);
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(VersionCommand.OPERATOR_NAME)
        .withLabels(
            Map.of(
                VersionCommand.OPERATOR_NAME_LABEL,
                VersionCommand.OPERATOR_NAME,
                VersionCommand.VERSION_LABEL,
                version))
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .withMatchLabels(labels)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("operator")
        .withImage("registry.example.com/bosun/operator:" + version)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
