package dev.bosun.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentEndpointsTest {
  /** An agent pod; {@code ports} are the container's, as name=number. */
  private static Pod agent(
      String name, String node, String ip, String ready, boolean deleting, String... ports) {
    ContainerBuilder container = new ContainerBuilder().withName("agent");
    for (String port : ports) {
      String[] nameAndNumber = port.split("=");
      container
          .addNewPort()
          .withName(nameAndNumber[0])
          .withContainerPort(Integer.parseInt(nameAndNumber[1]))
          .endPort();
    }
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("bosun-node")
        .withDeletionTimestamp(deleting ? "2026-12-01T10:00:00Z" : null)
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .withContainers(container.build())
        .endSpec()
        .withNewStatus()
        .withPodIP(ip)
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready)
        .endCondition()
        .endStatus()
        .build();
  }

  private static Pod usable(String name, String node, String ip, String... ports) {
    return agent(name, node, ip, "True", false, ports);
  }

  record Row(String what, List<Pod> agents, Map<String, PodAddress> expected) {}

  @Test
  void mapsEachNodeToTheAddressOfItsAgent() {
    List<Row> rows =
        List.of(
            new Row(
                "the port named metrics",
                List.of(usable("a1", "n1", "10.1.0.1", "health=8080", "metrics=9500")),
                Map.of("n1", new PodAddress("10.1.0.1", 9500))),
            new Row(
                "no port named metrics: 9400",
                List.of(usable("a1", "n1", "10.1.0.1", "http=8080")),
                Map.of("n1", new PodAddress("10.1.0.1", 9400))),
            new Row(
                "no port at all: 9400",
                List.of(usable("a1", "n1", "10.1.0.1")),
                Map.of("n1", new PodAddress("10.1.0.1", 9400))),
            new Row(
                "one agent per node",
                List.of(
                    usable("a1", "n1", "10.1.0.1", "metrics=9400"),
                    usable("a2", "n2", "10.1.0.2", "metrics=9400")),
                Map.of(
                    "n1", new PodAddress("10.1.0.1", 9400),
                    "n2", new PodAddress("10.1.0.2", 9400))),
            new Row(
                "two on one node: the first by name",
                List.of(
                    usable("a2", "n1", "10.1.0.2", "metrics=9400"),
                    usable("a1", "n1", "10.1.0.1", "metrics=9400")),
                Map.of("n1", new PodAddress("10.1.0.1", 9400))),
            new Row(
                "not Ready",
                List.of(agent("a1", "n1", "10.1.0.1", "False", false, "metrics=9400")),
                Map.of()),
            new Row(
                "being deleted",
                List.of(agent("a1", "n1", "10.1.0.1", "True", true, "metrics=9400")),
                Map.of()),
            new Row("no IP", List.of(usable("a1", "n1", null, "metrics=9400")), Map.of()),
            new Row(
                "on no node", List.of(usable("a1", null, "10.1.0.1", "metrics=9400")), Map.of()),
            new Row("no agents", List.of(), Map.of()));
    for (Row row : rows) {
      assertThat(AgentEndpoints.byNode(row.agents())).as(row.what()).isEqualTo(row.expected());
    }
  }

  @Test
  void aPortNamedMetricsWithoutANumberFallsBack() {
    Pod pod = usable("a1", "n1", "10.1.0.1");
    pod.getSpec().getContainers().getFirst().setPorts(List.of(new ContainerPort()));
    pod.getSpec().getContainers().getFirst().getPorts().getFirst().setName("metrics");
    assertThat(AgentEndpoints.byNode(List.of(pod)))
        .isEqualTo(Map.of("n1", new PodAddress("10.1.0.1", 9400)));
  }
}
