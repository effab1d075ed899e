package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.GpuDeviceHealth;
import dev.bosun.api.v1alpha1.GpuFault;
import dev.bosun.api.v1alpha1.GpuHealthPolicy;
import dev.bosun.api.v1alpha1.GpuHealthStatus;
import dev.bosun.api.v1alpha1.GpuNodeHealth;
import dev.bosun.gpu.classify.XidCatalog;
import dev.bosun.localcluster.GpuFleet;
import dev.bosun.localcluster.GpuProduct;
import dev.bosun.testkit.Crds;
import dev.bosun.testkit.LocalClusterExtension;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulated fleet on the local cluster: three KWOK GPU nodes and a MIG node, one {@link
 * SimulatedFleet} playing their agents, and faults injected as {@code bosun dev fault} injects them
 * ({@link SimulatedNodeFiles#inject}). Each fault shows up in the node's GpuNodeHealth on the GPU
 * the ResourceSlice names, with the class NVIDIA's catalog gives, and only there; a cleared GPU is
 * healthy again once the policy's recovery rules (shortened here) are met. The fleet follows the
 * cluster: a node added later gets an agent, a deleted one loses its own.
 */
@ExtendWith(LocalClusterExtension.class)
class SimulatedFleetIT {

  static final Path HEALTH_CRD = Path.of("../deploy/crds/gpunodehealths.bosun.dev-v1.yml");
  static final Path POLICY_CRD = Path.of("../deploy/crds/gpuhealthpolicies.bosun.dev-v1.yml");
  static final Duration WITHIN = Duration.ofSeconds(60);

  /** Two clean samples and two quiet seconds make a GPU healthy again. */
  static final String QUICK_RECOVERY =
      """
      apiVersion: bosun.dev/v1alpha1
      kind: GpuHealthPolicy
      metadata: {name: default}
      spec:
        recovery: {cleanSamples: 2, quietPeriod: 2s, flapWindow: 1s}
      """;

  /** Samples every 500 ms on 4 workers, nodes looked for every second: a test's pace. */
  static SimulatedFleet.Settings quickSettings(String nodeSelector) {
    return new SimulatedFleet.Settings(
        Duration.ofMillis(500), Duration.ofSeconds(60), 4, nodeSelector, Duration.ofSeconds(1));
  }

  KubernetesClient client;
  GpuFleet gpuFleet;
  GpuFleet migFleet;
  List<String> nodes;
  String migNode;
  SimulatedFleet fleet;
  Path agents;
  final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeEach
  void fleet(KubernetesClient client, @TempDir Path agents) throws Exception {
    this.client = client;
    this.agents = agents;
    Crds.apply(client, HEALTH_CRD);
    Crds.apply(client, POLICY_CRD);
    client
        .resources(GpuHealthPolicy.class)
        .load(new ByteArrayInputStream(QUICK_RECOVERY.getBytes(StandardCharsets.UTF_8)))
        .forceConflicts()
        .serverSideApply();
    String id = Long.toString(System.nanoTime() % 1_000_000, 36);
    gpuFleet = new GpuFleet(client, "fleet-it-" + id, GpuProduct.H100_80GB_HBM3, 8);
    nodes = gpuFleet.addNodes(0, 3);
    migFleet =
        new GpuFleet(
            client,
            "fleet-it-mig-" + id,
            GpuProduct.H100_80GB_HBM3,
            2,
            GpuFleet.MigLayout.H100_1G_10GB);
    migNode = migFleet.addNodes(0, 1).getFirst();
    gpuFleet.awaitReady(3, Duration.ofMinutes(1));
    migFleet.awaitReady(1, Duration.ofMinutes(1));
    fleet =
        SimulatedFleet.start(
            client.getConfiguration(),
            agents,
            quickSettings("bosun.dev/fleet in (%s,%s)".formatted(gpuFleet.name(), migFleet.name())),
            null,
            Clock.systemUTC(),
            log::add);
  }

  @AfterEach
  void stop() {
    if (fleet != null) fleet.close();
    if (gpuFleet != null) gpuFleet.delete();
    if (migFleet != null) migFleet.delete();
    client.resources(GpuHealthPolicy.class).withName(GpuHealthPolicy.DEFAULT).delete();
  }

  @Test
  void eachFaultLandsOnTheGpuTheResourceSliceNamesAndClears() throws Exception {
    assertThat(fleet.nodes())
        .containsExactlyInAnyOrder(nodes.get(0), nodes.get(1), nodes.get(2), migNode);
    for (String node : nodes) {
      await("every GPU of " + node + " published healthy, with its slice's UUID")
          .atMost(WITHIN)
          .untilAsserted(
              () ->
                  assertThat(gpus(node))
                      .hasSize(8)
                      .allSatisfy(g -> assertThat(g.health()).isEqualTo(GpuHealthStatus.Healthy))
                      .allSatisfy(
                          g -> assertThat(g.uuid()).isEqualTo(sliceUuids(node).get(g.index()))));
    }
    await("the MIG node's parent GPUs published")
        .atMost(WITHIN)
        .untilAsserted(
            () ->
                assertThat(gpus(migNode))
                    .extracting(GpuDeviceHealth::uuid)
                    .containsExactlyInAnyOrderElementsOf(sliceUuids(migNode).values()));

    String node1 = nodes.get(1);
    String uuid3 = sliceUuids(node1).get(3);
    var injected = files(node1).inject(3, new SimulatedFault.Xid(79), Clock.systemUTC());
    assertThat(injected.gpu().uuid()).isEqualTo(uuid3);

    await("GPU 3 of " + node1 + " Unhealthy, and only it")
        .atMost(WITHIN)
        .untilAsserted(
            () -> {
              assertThat(gpus(node1))
                  .filteredOn(g -> g.health() != GpuHealthStatus.Healthy)
                  .singleElement()
                  .satisfies(
                      g -> {
                        assertThat(g.index()).isEqualTo(3);
                        assertThat(g.uuid()).isEqualTo(uuid3);
                        assertThat(g.health()).isEqualTo(GpuHealthStatus.Unhealthy);
                        assertThat(g.recentFaults())
                            .extracting(GpuFault::xid, GpuFault::faultClass)
                            .contains(tuple(79, catalogClass(79)));
                      });
              assertThat(gpuHealthy(node1)).isEqualTo("False");
            });
    assertThat(gpuHealthy(nodes.get(0))).isEqualTo("True");
    assertThat(gpuHealthy(nodes.get(2))).isEqualTo("True");

    files(node1).inject(3, new SimulatedFault.Clear(), Clock.systemUTC());
    awaitAllHealthy(node1);

    String node2 = nodes.get(2);
    files(node2).inject(1, new SimulatedFault.DoubleBitEcc(), Clock.systemUTC());
    await("a double-bit ECC error on GPU 1 of " + node2)
        .atMost(WITHIN)
        .untilAsserted(
            () ->
                assertThat(gpus(node2).get(1))
                    .satisfies(
                        g -> {
                          assertThat(g.health()).isEqualTo(GpuHealthStatus.Unhealthy);
                          assertThat(g.recentFaults())
                              .extracting(GpuFault::xid, GpuFault::faultClass)
                              .as("the driver's Xid 48 and NVML's counters, each of the class")
                              .contains(tuple(48, catalogClass(48)), tuple(null, catalogClass(48)));
                          assertThat(g.recentFaults())
                              .extracting(GpuFault::signal)
                              .contains("ECC_UNCORRECTABLE");
                        }));

    String node0 = nodes.get(0);
    files(node0).inject(5, new SimulatedFault.FallOffTheBus(), Clock.systemUTC());
    await("GPU 5 of " + node0 + " fallen off the bus")
        .atMost(WITHIN)
        .untilAsserted(
            () ->
                assertThat(gpus(node0).get(5))
                    .satisfies(
                        g -> {
                          assertThat(g.health()).isEqualTo(GpuHealthStatus.Unhealthy);
                          assertThat(g.present()).isFalse();
                          assertThat(g.recentFaults())
                              .extracting(GpuFault::faultClass)
                              .contains(catalogClass(79));
                        }));

    files(node2).inject(1, new SimulatedFault.Clear(), Clock.systemUTC());
    files(node0).inject(5, new SimulatedFault.Clear(), Clock.systemUTC());
    awaitAllHealthy(node2);
    awaitAllHealthy(node0);
  }

  @Test
  void aNodeAddedLaterGetsAnAgentAndADeletedOneLosesIt() {
    String added = gpuFleet.addNodes(3, 1).getFirst();
    await("an agent for " + added)
        .atMost(WITHIN)
        .untilAsserted(
            () -> {
              assertThat(fleet.nodes()).contains(added);
              assertThat(gpus(added))
                  .hasSize(8)
                  .allSatisfy(g -> assertThat(g.health()).isEqualTo(GpuHealthStatus.Healthy));
            });

    client.nodes().withName(nodes.getFirst()).delete();
    await("no agent for the deleted " + nodes.getFirst())
        .atMost(WITHIN)
        .untilAsserted(() -> assertThat(fleet.nodes()).doesNotContain(nodes.getFirst()));
    assertThat(fleet.nodes()).contains(nodes.get(1), nodes.get(2), migNode, added);
  }

  private void awaitAllHealthy(String node) {
    await("every GPU of " + node + " healthy again")
        .atMost(WITHIN)
        .untilAsserted(
            () -> {
              assertThat(gpus(node))
                  .allSatisfy(g -> assertThat(g.health()).isEqualTo(GpuHealthStatus.Healthy));
              assertThat(gpuHealthy(node)).isEqualTo("True");
            });
  }

  private SimulatedNodeFiles files(String node) {
    return SimulatedNodeFiles.find(agents, node).orElseThrow();
  }

  private static String catalogClass(int xid) {
    return XidCatalog.builtIn().lookup(xid).faultClass().wireName();
  }

  private List<GpuDeviceHealth> gpus(String node) {
    GpuNodeHealth health = client.resources(GpuNodeHealth.class).withName(node).get();
    assertThat(health).as("GpuNodeHealth " + node).isNotNull();
    assertThat(health.getStatus()).as("its status").isNotNull();
    return health.getStatus().gpus();
  }

  /** The uuid attribute of each whole GPU in the node's slice, by index (a MIG device's parent). */
  private Map<Integer, String> sliceUuids(String node) {
    ResourceSlice slice =
        client.resources(ResourceSlice.class).withName(node + "-gpu.nvidia.com").get();
    return slice.getSpec().getDevices().stream()
        .map(d -> d.getAttributes())
        .collect(
            Collectors.toMap(
                a -> a.getOrDefault("index", a.get("parentIndex")).getInt().intValue(),
                a -> a.getOrDefault("parentUUID", a.get("uuid")).getString(),
                (first, same) -> first));
  }

  private String gpuHealthy(String node) {
    return client.nodes().withName(node).get().getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(ConditionTypes.GPU_HEALTHY))
        .map(NodeCondition::getStatus)
        .findFirst()
        .orElse("absent");
  }
}
