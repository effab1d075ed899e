package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.GpuDeviceHealth;
import dev.bosun.api.v1alpha1.GpuFault;
import dev.bosun.api.v1alpha1.GpuHealthStatus;
import dev.bosun.api.v1alpha1.GpuNodeHealth;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.gpu.sim.SimulatedGpuNode;
import dev.bosun.localcluster.GpuFleet;
import dev.bosun.localcluster.GpuProduct;
import dev.bosun.testkit.Crds;
import dev.bosun.testkit.LocalClusterExtension;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent with a simulated eight-GPU node against the local cluster (real kube-apiserver, KWOK
 * keeping the node Ready): it publishes GpuNodeHealth and the Node condition, a Xid 79 turns both
 * against the GPU, and /metrics holds dcgm-exporter's series.
 */
@ExtendWith(LocalClusterExtension.class)
class AgentIT {

  static final Path CRD = Path.of("../deploy/crds/gpunodehealths.bosun.dev-v1.yml");

  KubernetesClient client;
  GpuFleet fleet;
  String node;
  final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeEach
  void nodeAndCrd(KubernetesClient client) throws Exception {
    this.client = client;
    Crds.apply(client, CRD);
    // A node of its own, so that no other test sees its condition change.
    fleet =
        new GpuFleet(
            client,
            "agent-it-" + Long.toString(System.nanoTime() % 1_000_000, 36),
            GpuProduct.H100_80GB_HBM3,
            8);
    node = fleet.addNodes(0, 1).getFirst();
    fleet.awaitReady(1, Duration.ofMinutes(1));
  }

  @AfterEach
  void deleteNode() {
    if (fleet != null) fleet.delete();
  }

  @Test
  void publishesHealthAndTheNodeConditionAndTurnsThemOnAXid79(@TempDir Path state)
      throws Exception {
    var options =
        new AgentOptions(
            node, null, 0, Duration.ofMillis(500), Duration.ofSeconds(60), 8, null, state, false);
    try (NodeAgent agent = AgentMain.build(options, log::add, client.getConfiguration()).start()) {
      SimulatedGpuNode sim = ((GpuSource.SimulatedSource) agent.source()).node();

      await("GpuHealthy=True on " + node)
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  gpuHealthy()
                      .map(
                          c ->
                              c.getStatus().equals("True")
                                  && c.getReason().equals(Reasons.GPUS_HEALTHY))
                      .orElse(false));
      GpuNodeHealth published = client.resources(GpuNodeHealth.class).withName(node).get();
      assertThat(published.getSpec().nodeName()).isEqualTo(node);
      assertThat(published.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(o -> assertThat(o.getKind() + "/" + o.getName()).isEqualTo("Node/" + node));
      assertThat(published.getStatus().gpus())
          .hasSize(8)
          .allSatisfy(g -> assertThat(g.health()).isEqualTo(GpuHealthStatus.Healthy));
      assertThat(published.getStatus().gpus().get(2).uuid())
          .isEqualTo(SimulatedGpuNode.uuidFor(node, 2));
      assertThat(published.getStatus().conditions())
          .singleElement()
          .satisfies(
              c ->
                  assertThat(c.status() + "/" + c.reason())
                      .isEqualTo("True/" + Reasons.GPUS_HEALTHY));
      assertThat(gpuHealthyCount()).as("KWOK's conditions and ours side by side").isEqualTo(1);
      assertThat(client.nodes().withName(node).get().getStatus().getConditions())
          .extracting(NodeCondition::getType)
          .contains("Ready", ConditionTypes.GPU_HEALTHY);

      // Steady state: sampling twice a second, but nothing to write.
      long writes = agent.statusWrites();
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(5))
          .until(() -> agent.statusWrites() == writes);

      sim.fallOffTheBus(3, Instant.now());
      String uuid3 = SimulatedGpuNode.uuidFor(node, 3);

      await("GpuHealthy=False naming GPU 3")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  gpuHealthy()
                      .map(
                          c ->
                              c.getStatus().equals("False")
                                  && c.getReason().equals(Reasons.GPU_UNHEALTHY)
                                  && c.getMessage().contains("GPU 3 (" + uuid3 + ")"))
                      .orElse(false));
      await("GpuNodeHealth shows Xid 79 on GPU 3")
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                GpuDeviceHealth gpu3 =
                    client
                        .resources(GpuNodeHealth.class)
                        .withName(node)
                        .get()
                        .getStatus()
                        .gpus()
                        .get(3);
                assertThat(gpu3.uuid()).isEqualTo(uuid3);
                assertThat(gpu3.health()).isEqualTo(GpuHealthStatus.Unhealthy);
                assertThat(gpu3.present()).isFalse();
                assertThat(gpu3.recentFaults())
                    .extracting(GpuFault::xid, GpuFault::faultClass)
                    .contains(tuple(79, "node"));
              });
      GpuNodeHealth after = client.resources(GpuNodeHealth.class).withName(node).get();
      assertThat(after.getStatus().gpus())
          .filteredOn(g -> g.index() != 3)
          .allSatisfy(g -> assertThat(g.health()).isEqualTo(GpuHealthStatus.Healthy));
      assertThat(after.getStatus().conditions().getFirst().status()).isEqualTo("False");

      // KWOK keeps heartbeating the node; the condition must stay as the agent set it.
      await()
          .during(Duration.ofSeconds(5))
          .atMost(Duration.ofSeconds(8))
          .until(() -> gpuHealthy().map(c -> c.getStatus().equals("False")).orElse(false));

      var body =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + agent.port() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      var samples = PrometheusParser.parse(body);
      assertThat(samples)
          .filteredOn(s -> s.name().equals("DCGM_FI_DEV_GPU_UTIL"))
          .hasSize(7)
          .allSatisfy(
              s ->
                  assertThat(s.labels())
                      .containsKeys("gpu", "UUID", "device", "modelName")
                      .containsEntry("Hostname", node));
      assertThat(samples)
          .filteredOn(
              s ->
                  s.name().equals("bosun_gpu_xid_errors_total")
                      && uuid3.equals(s.labels().get("UUID")))
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.labels()).containsEntry("code", "79");
                assertThat(s.value()).isEqualTo(1);
              });
      assertThat(samples)
          .filteredOn(s -> s.name().equals("bosun_agent_writes_total"))
          .allSatisfy(s -> assertThat(s.value()).isPositive());
    }
  }

  private Optional<NodeCondition> gpuHealthy() {
    var n = client.nodes().withName(node).get();
    if (n == null || n.getStatus() == null || n.getStatus().getConditions() == null)
      return Optional.empty();
    return n.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(ConditionTypes.GPU_HEALTHY))
        .findFirst();
  }

  private long gpuHealthyCount() {
    return client.nodes().withName(node).get().getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(ConditionTypes.GPU_HEALTHY))
        .count();
  }
}
