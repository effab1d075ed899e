package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.gpu.sim.SimulatedGpuNode;
import dev.bosun.localcluster.GpuFleet;
import dev.bosun.localcluster.GpuProduct;
import dev.bosun.testkit.Crds;
import dev.bosun.testkit.GpuPods;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent labels a GPU's series with the pod holding it, from the real scheduler's DRA allocation
 * on the local cluster: a pod on the agent's node gets one GPU through a ResourceClaim from a
 * template; a pod on the other node of the fleet gets one there. The agent's /metrics names its pod
 * on exactly the allocated GPU, no other GPU and never the other node's pod; when the pod is
 * deleted, the GPU is free again.
 */
@ExtendWith(LocalClusterExtension.class)
class GpuAttributionIT {

  static final Duration SCHEDULING = Duration.ofSeconds(60);

  KubernetesClient client;
  GpuFleet fleet;
  List<String> nodes;
  final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeEach
  void twoNodes(KubernetesClient client) {
    this.client = client;
    Crds.apply(client, AgentIT.CRD);
    fleet =
        new GpuFleet(
            client,
            "attribution-it-" + Long.toString(System.nanoTime() % 1_000_000, 36),
            GpuProduct.H100_80GB_HBM3,
            8);
    nodes = fleet.addNodes(0, 2);
    fleet.awaitReady(2, Duration.ofMinutes(1));
  }

  @AfterEach
  void deleteNodes() {
    if (fleet != null) fleet.delete();
  }

  @Test
  void theAllocatedGpuCarriesItsPodAndNoOther(TestNamespace namespace, @TempDir Path state)
      throws Exception {
    GpuPods.holdingOneGpu(client, "mine", nodes.get(0));
    GpuPods.holdingOneGpu(client, "theirs", nodes.get(1));
    String mine = allocatedUuid(awaitRunning("mine"));
    String theirs = allocatedUuid(awaitRunning("theirs"));
    String node = nodes.get(0);

    var options =
        new AgentOptions(
            node, null, 0, Duration.ofMillis(500), Duration.ofSeconds(60), 8, null, state, false);
    try (NodeAgent agent = AgentMain.build(options, log::add, client.getConfiguration()).start()) {
      await("the GPU of pod mine labelled")
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(util(agent))
                      .filteredOn(s -> s.labels().containsKey("pod"))
                      .singleElement()
                      .satisfies(
                          s ->
                              assertThat(s.labels())
                                  .containsEntry("UUID", mine)
                                  .containsEntry("namespace", namespace.name())
                                  .containsEntry("pod", "mine")
                                  .doesNotContainKey("container")));
      var samples = util(agent);
      assertThat(samples).as("every GPU once").hasSize(8);
      assertThat(samples)
          .filteredOn(s -> !s.labels().get("UUID").equals(mine))
          .allSatisfy(s -> assertThat(s.labels()).doesNotContainKeys("pod", "namespace"));
      assertThat(samples)
          .extracting(s -> s.labels().get("UUID"))
          .as("the other node's GPU is not this agent's")
          .doesNotContain(theirs);

      client.pods().withName("mine").withGracePeriod(0).delete();
      await("the GPU free again once the pod is gone (its claim reserved for none)")
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(util(agent))
                      .hasSize(8)
                      .allSatisfy(s -> assertThat(s.labels()).doesNotContainKey("pod")));
    }
  }

  private static List<PrometheusParser.Sample> util(NodeAgent agent) throws Exception {
    return GpuUtilSeries.at(agent.port());
  }

  /** The UUID of the one GPU the scheduler allocated to the pod's claim (the slice's, gpu-I). */
  private String allocatedUuid(Pod pod) {
    return SimulatedGpuNode.uuidFor(pod.getSpec().getNodeName(), GpuPods.allocatedGpu(client, pod));
  }

  private Pod awaitRunning(String name) {
    return GpuPods.awaitRunning(client, name, SCHEDULING);
  }
}
