package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.api.v1alpha1.NodeAgents;
import dev.bosun.localcluster.GpuFleet;
import dev.bosun.localcluster.GpuProduct;
import dev.bosun.testkit.Crds;
import dev.bosun.testkit.GpuPods;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet plays the agent pods of the DaemonSet Bosun ships ({@code deploy/agent/}), as the real
 * DaemonSet controller places them on the local cluster's GPU nodes: each node's agent serves its
 * /metrics at its pod's address in the pod network, with the utilisation its GPUs' NVML reports,
 * labelled with the pod the real scheduler allocated each GPU to. A pod that goes stops being
 * served.
 */
@ExtendWith(LocalClusterExtension.class)
class SimulatedAgentPodsIT {

  static final Path AGENT = Path.of("../deploy/agent");
  static final Duration WITHIN = Duration.ofSeconds(60);

  KubernetesClient client;
  GpuFleet gpuFleet;
  List<String> nodes;
  SimulatedFleet fleet;

  /** The pod network as the fleet registers it: pod IP and port → the agent's loopback address. */
  final Map<String, InetSocketAddress> served = new ConcurrentHashMap<>();

  Path agents;
  final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeEach
  void fleetWithTheAgentDaemonSet(KubernetesClient client, @TempDir Path agents) throws Exception {
    this.client = client;
    this.agents = agents;
    Crds.apply(client, SimulatedFleetIT.HEALTH_CRD);
    Crds.apply(client, SimulatedFleetIT.POLICY_CRD);
    gpuFleet =
        new GpuFleet(
            client,
            "agent-pods-it-" + Long.toString(System.nanoTime() % 1_000_000, 36),
            GpuProduct.H100_80GB_HBM3,
            8);
    nodes = gpuFleet.addNodes(0, 2);
    gpuFleet.awaitReady(2, Duration.ofMinutes(1));
    applyAgentManifests();

    fleet =
        SimulatedFleet.start(
            client.getConfiguration(),
            agents,
            SimulatedFleetIT.quickSettings("bosun.dev/fleet=" + gpuFleet.name()),
            new SimulatedFleet.PodNetwork() {
              @Override
              public void register(String podIP, int port, InetSocketAddress local) {
                served.put(podIP + ":" + port, local);
              }

              @Override
              public void remove(String podIP, int port) {
                served.remove(podIP + ":" + port);
              }
            },
            Clock.systemUTC(),
            log::add);
  }

  /**
   * The namespace, RBAC and DaemonSet as shipped, the DaemonSet kept to this test's nodes so that
   * the shared cluster's other GPU nodes get no agent pod.
   */
  private void applyAgentManifests() throws Exception {
    for (String file : List.of("namespace.yaml", "rbac.yaml", "daemonset.yaml")) {
      try (InputStream in = new FileInputStream(AGENT.resolve(file).toFile())) {
        for (HasMetadata object : client.load(in).items()) {
          if (object instanceof DaemonSet daemonSet)
            daemonSet
                .getSpec()
                .getTemplate()
                .getSpec()
                .getNodeSelector()
                .put("bosun.dev/fleet", gpuFleet.name());
          // Where the manifest says: the test's client defaults to the test's namespace.
          String namespace = object.getMetadata().getNamespace();
          var resource =
              namespace == null
                  ? client.resource(object)
                  : client.resource(object).inNamespace(namespace);
          resource.forceConflicts().serverSideApply();
        }
      }
    }
  }

  @AfterEach
  void stop() {
    if (fleet != null) fleet.close();
    deleteDaemonSet();
    if (gpuFleet != null) gpuFleet.delete();
  }

  @Test
  void eachNodesAgentServesItsPodsGpuUtilisationAtItsPodsAddress(TestNamespace namespace)
      throws Exception {
    String node = nodes.getFirst();
    GpuPods.holdingOneGpu(client, "chat", node);
    int gpu = GpuPods.allocatedGpu(client, GpuPods.awaitRunning(client, "chat", WITHIN));
    SimulatedNodeFiles.find(agents, node).orElseThrow().utilise(gpu, 73);

    Pod agentPod = awaitAgentPod(node);
    var endpoint = agentPod.getStatus().getPodIP() + ":" + NodeAgents.METRICS_PORT;
    await("the GPU of pod chat at 73 % on " + node + "'s agent pod")
        .atMost(WITHIN)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(util(served.get(endpoint)))
                    .filteredOn(s -> s.labels().containsKey("pod"))
                    .singleElement()
                    .satisfies(
                        s -> {
                          assertThat(s.labels())
                              .containsEntry("namespace", namespace.name())
                              .containsEntry("pod", "chat")
                              .containsEntry("gpu", Integer.toString(gpu))
                              .containsEntry("Hostname", node);
                          assertThat(s.value()).isEqualTo(73.0);
                        }));
    assertThat(util(served.get(endpoint)))
        .as("every GPU of the node once, the others idle and unattributed")
        .hasSize(8)
        .filteredOn(s -> !s.labels().containsKey("pod"))
        .allSatisfy(s -> assertThat(s.value()).isZero());

    Pod otherAgent = awaitAgentPod(nodes.get(1));
    var other = otherAgent.getStatus().getPodIP() + ":" + NodeAgents.METRICS_PORT;
    await("the other node's agent pod served")
        .atMost(WITHIN)
        .until(() -> served.containsKey(other));
    assertThat(util(served.get(other)))
        .as("the other node's agent names no pod")
        .allSatisfy(s -> assertThat(s.labels()).doesNotContainKey("pod"));

    deleteDaemonSet();
    await("the agent pods, once gone, no longer served at their addresses")
        .atMost(WITHIN)
        .until(() -> !served.containsKey(endpoint) && !served.containsKey(other));
  }

  private void deleteDaemonSet() {
    client.apps().daemonSets().inNamespace(NodeAgents.NAMESPACE).withName("bosun-agent").delete();
  }

  private Pod awaitAgentPod(String node) {
    return await("an agent pod with an IP on " + node)
        .atMost(WITHIN)
        .until(
            () ->
                client
                    .pods()
                    .inNamespace(NodeAgents.NAMESPACE)
                    .withLabel(NodeAgents.NAME_LABEL, NodeAgents.NAME)
                    .list()
                    .getItems()
                    .stream()
                    .filter(p -> node.equals(p.getSpec().getNodeName()))
                    .filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
                    .findFirst()
                    .orElse(null),
            p -> p != null);
  }

  private static List<PrometheusParser.Sample> util(InetSocketAddress agent) throws Exception {
    return GpuUtilSeries.at(agent.getPort());
  }
}
