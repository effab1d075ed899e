package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.api.v1alpha1.GpuDeviceHealth;
import dev.bosun.api.v1alpha1.GpuFault;
import dev.bosun.api.v1alpha1.GpuHealthPolicy;
import dev.bosun.api.v1alpha1.GpuHealthStatus;
import dev.bosun.api.v1alpha1.GpuNodeHealth;
import dev.bosun.gpu.classify.GpuHealth;
import dev.bosun.gpu.sim.SimulatedGpuNode;
import dev.bosun.localcluster.GpuFleet;
import dev.bosun.localcluster.GpuProduct;
import dev.bosun.testkit.Crds;
import dev.bosun.testkit.LocalClusterExtension;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent restarted in the middle of a remediation: Xid 95 breaks GPU 2, the agent stops and
 * starts again (same node, same state directory; the simulated GPUs themselves come back clean, as
 * after a driver reload), and the GPU stays Unhealthy until the quiet period, counted from the Xid,
 * has passed. A fresh agent would have called it healthy after two clean samples.
 */
@ExtendWith(LocalClusterExtension.class)
class AgentRestartIT {

  static final Path HEALTH_CRD = Path.of("../deploy/crds/gpunodehealths.bosun.dev-v1.yml");
  static final Path POLICY_CRD = Path.of("../deploy/crds/gpuhealthpolicies.bosun.dev-v1.yml");

  /** Two clean samples and 15 quiet seconds; no flap doubling. */
  static final String RECOVERY =
      """
      apiVersion: bosun.dev/v1alpha1
      kind: GpuHealthPolicy
      metadata: {name: default}
      spec:
        recovery: {cleanSamples: 2, quietPeriod: 15s, flapWindow: 1s}
      """;

  KubernetesClient client;
  GpuFleet fleet;
  String node;
  final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeEach
  void nodeAndPolicy(KubernetesClient client) throws Exception {
    this.client = client;
    Crds.apply(client, HEALTH_CRD);
    Crds.apply(client, POLICY_CRD);
    client
        .resources(GpuHealthPolicy.class)
        .load(new ByteArrayInputStream(RECOVERY.getBytes(StandardCharsets.UTF_8)))
        .forceConflicts()
        .serverSideApply();
    fleet =
        new GpuFleet(
            client,
            "agent-restart-it-" + Long.toString(System.nanoTime() % 1_000_000, 36),
            GpuProduct.H100_80GB_HBM3,
            8);
    node = fleet.addNodes(0, 1).getFirst();
    fleet.awaitReady(1, Duration.ofMinutes(1));
  }

  @AfterEach
  void cleanUp() {
    if (fleet != null) fleet.delete();
    client.resources(GpuHealthPolicy.class).withName(GpuHealthPolicy.DEFAULT).delete();
  }

  @Test
  void aGpuBrokenBeforeTheRestartStaysUnhealthyForItsQuietPeriod(@TempDir Path state)
      throws Exception {
    var options =
        new AgentOptions(
            node, null, -1, Duration.ofMillis(500), Duration.ofSeconds(60), 8, null, state, false);
    GpuDeviceHealth before;
    try (NodeAgent agent = AgentMain.build(options, log::add, client.getConfiguration()).start()) {
      await("the short recovery policy in force")
          .atMost(Duration.ofSeconds(30))
          .until(() -> agent.policy().cleanSamplesToRecover() == 2);
      SimulatedGpuNode sim = ((GpuSource.SimulatedSource) agent.source()).node();
      sim.injectXid(2, 95, Instant.now());
      await("GPU 2 Unhealthy with Xid 95")
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(gpu2())
                      .satisfies(
                          g -> {
                            assertThat(g.health()).isEqualTo(GpuHealthStatus.Unhealthy);
                            assertThat(g.recentFaults()).extracting(GpuFault::xid).contains(95);
                          }));
      before = gpu2();
    }

    try (NodeAgent restarted =
        AgentMain.build(options, log::add, client.getConfiguration()).start()) {
      // Well past two clean samples, well within 15 quiet seconds after the Xid.
      await("GPU 2 still Unhealthy after the restart")
          .during(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(6))
          .until(
              () -> {
                GpuDeviceHealth g = gpu2();
                return g.health() == GpuHealthStatus.Unhealthy
                    && g.since().equals(before.since())
                    && g.recentFaults().equals(before.recentFaults());
              });
      assertThat(restarted.health().healthOf(before.uuid())).isEqualTo(GpuHealth.UNHEALTHY);
      assertThat(log).anyMatch(l -> l.contains("carried over 8 GPUs (1 not healthy)"));
      await("GPU 2 healthy once 15 s passed since the Xid")
          .atMost(Duration.ofSeconds(40))
          .until(() -> gpu2().health() == GpuHealthStatus.Healthy);
      assertThat(gpu2().recentFaults())
          .as("the fault stays in the history")
          .isEqualTo(before.recentFaults());
    }
  }

  private GpuDeviceHealth gpu2() {
    GpuNodeHealth health = client.resources(GpuNodeHealth.class).withName(node).get();
    assertThat(health).as("GpuNodeHealth " + node).isNotNull();
    return health.getStatus().gpus().get(2);
  }
}
