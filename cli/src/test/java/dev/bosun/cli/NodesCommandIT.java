package dev.bosun.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bosun.api.v1alpha1.GpuDeviceHealth;
import dev.bosun.api.v1alpha1.GpuHealthStatus;
import dev.bosun.api.v1alpha1.GpuNodeHealth;
import dev.bosun.api.v1alpha1.GpuNodeHealthSpec;
import dev.bosun.api.v1alpha1.GpuNodeHealthStatus;
import dev.bosun.api.v1alpha1.GpuQuarantine;
import dev.bosun.testkit.Crds;
import dev.bosun.testkit.GpuPods;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.QuarantineRules;
import dev.bosun.testkit.SharedCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.resource.v1.Device;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceRequestAllocationResult;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaim;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code bosun nodes -o json} on the local cluster: a pod holding a GPU, an agent's report with one
 * Unhealthy GPU, Bosun's DeviceTaintRule and the node's quarantine taint, each where it belongs.
 */
@ExtendWith(LocalClusterExtension.class)
class NodesCommandIT {
  private final List<Runnable> cleanups = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    cleanups.reversed().forEach(Runnable::run);
  }

  @Test
  void showsHealthQuarantineAndThePodsOnEachGpu(KubernetesClient client, SharedCluster cluster)
      throws Exception {
    KubernetesClient admin = cluster.client();
    // The agents' report kind: other ITs of this module may or may not have installed it.
    Crds.apply(admin, BosunProcess.ROOT.resolve("deploy/crds/gpunodehealths.bosun.dev-v1.yml"));
    GpuPods.holdingOneGpu(client, "holder");
    await("holder Running")
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> client.pods().withName("holder").get(),
            pod -> pod != null && "Running".equals(pod.getStatus().getPhase()));
    DeviceRequestAllocationResult held =
        client
            .resources(ResourceClaim.class)
            .withName(GpuPods.claimOf("holder"))
            .get()
            .getStatus()
            .getAllocation()
            .getDevices()
            .getResults()
            .getFirst();
    String node = held.getPool();
    int heldIndex = Integer.parseInt(held.getDevice().substring("gpu-".length()));
    List<String> devices = sliceDevices(admin, node).stream().map(d -> d.getName()).toList();
    int sickIndex = (heldIndex + 1) % devices.size();
    report(admin, node, devices.size(), sickIndex);
    // NoSchedule: the holder keeps its GPU, and the rule shows beside it.
    String rule = QuarantineRules.create(admin, node, held.getDevice(), "Xid79", "NoSchedule");
    cleanups.add(() -> QuarantineRules.delete(admin, rule));
    // PreferNoSchedule: shown like any effect, and keeps no other test's pod off the node.
    taint(admin, node, new Taint("PreferNoSchedule", GpuQuarantine.TAINT_KEY, null, "Xid79"));

    var run = CliTest.bosun("nodes", "--kubeconfig", kubeconfig(cluster), "-o", "json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode nodes = new ObjectMapper().readTree(run.out()).get("nodes");
    JsonNode shown = byField(nodes, "node", node);
    assertThat(shown.get("reported").asBoolean()).isTrue();
    assertThat(shown.get("quarantine").get("effect").asText()).isEqualTo("PreferNoSchedule");
    assertThat(shown.get("quarantine").get("value").asText()).isEqualTo("Xid79");
    JsonNode gpus = shown.get("gpus");
    assertThat(gpus).hasSize(devices.size());
    JsonNode heldGpu = gpus.get(heldIndex);
    assertThat(heldGpu.get("device").asText()).isEqualTo(held.getDevice());
    assertThat(heldGpu.get("uuid").asText()).isEqualTo(sliceUuid(admin, node, held.getDevice()));
    assertThat(heldGpu.get("health").asText()).isEqualTo("Healthy");
    assertThat(heldGpu.get("pods"))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.get("namespace").asText()).isEqualTo(client.getNamespace());
              assertThat(p.get("name").asText()).isEqualTo("holder");
              assertThat(p.get("claim").asText()).isEqualTo(GpuPods.claimOf("holder"));
            });
    assertThat(heldGpu.get("quarantine"))
        .singleElement()
        .satisfies(
            q -> {
              assertThat(q.get("rule").asText()).isEqualTo(rule);
              assertThat(q.get("bosun").asBoolean()).isTrue();
              assertThat(q.get("effect").asText()).isEqualTo("NoSchedule");
            });
    JsonNode sick = gpus.get(sickIndex);
    assertThat(sick.get("health").asText()).isEqualTo("Unhealthy");
    assertThat(sick.get("reason").asText()).isEqualTo("Xid 79: the GPU fell off the bus");
    assertThat(sick.get("quarantine")).isEmpty();
    assertThat(sick.get("pods")).isEmpty();
    // Another GPU node, of which no agent reports: unreported, nothing on it from this test.
    JsonNode other =
        StreamSupport.stream(nodes.spliterator(), false)
            .filter(n -> !n.get("reported").asBoolean())
            .findFirst()
            .orElseThrow();
    assertThat(other.get("gpus"))
        .allSatisfy(g -> assertThat(g.get("health").asText()).isEqualTo("unreported"));
    // CPU nodes have no GPU ResourceSlice.
    assertThat(nodes).noneMatch(n -> n.get("node").asText().startsWith("test-cpu-node"));

    var table = CliTest.bosun("nodes", "--kubeconfig", kubeconfig(cluster), "--node", node);
    assertThat(table.exitCode()).isZero();
    assertThat(table.out().lines().skip(1))
        .hasSize(devices.size())
        .anyMatch(
            l ->
                l.contains(held.getDevice())
                    && l.contains("device:NoSchedule,node:PreferNoSchedule")
                    && l.endsWith(client.getNamespace() + "/holder"));
  }

  @Test
  void anUnknownNodeIsInvalidInput(SharedCluster cluster) {
    var run = CliTest.bosun("nodes", "--kubeconfig", kubeconfig(cluster), "--node", "no-such-node");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--node", "no-such-node");
  }

  private static String kubeconfig(SharedCluster cluster) {
    return cluster.cluster().kubeconfig().toString();
  }

  private static JsonNode byField(JsonNode array, String field, String value) {
    return StreamSupport.stream(array.spliterator(), false)
        .filter(n -> value.equals(n.get(field).asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(value + " not in " + array));
  }

  /** What the node agent publishes: every GPU Healthy but {@code sick}. */
  private void report(KubernetesClient admin, String node, int count, int sick) {
    var health = new GpuNodeHealth();
    health.setMetadata(new ObjectMetaBuilder().withName(node).build());
    health.setSpec(new GpuNodeHealthSpec(node));
    admin.resource(health).create();
    cleanups.add(() -> admin.resources(GpuNodeHealth.class).withName(node).delete());
    List<GpuDeviceHealth> gpus =
        IntStream.range(0, count)
            .mapToObj(
                i ->
                    new GpuDeviceHealth(
                        i,
                        "GPU-agent-" + i,
                        null,
                        null,
                        true,
                        i == sick ? GpuHealthStatus.Unhealthy : GpuHealthStatus.Healthy,
                        i == sick ? "Xid 79: the GPU fell off the bus" : null,
                        null,
                        null,
                        null,
                        null,
                        null))
            .toList();
    admin
        .resources(GpuNodeHealth.class)
        .withName(node)
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            Serialization.asJson(
                Map.of(
                    "status",
                    new GpuNodeHealthStatus(
                        null,
                        null,
                        Instant.now().toString(),
                        "simulated",
                        null,
                        null,
                        gpus,
                        null,
                        null))));
  }

  private void taint(KubernetesClient admin, String node, Taint taint) {
    admin
        .nodes()
        .withName(node)
        .edit(
            n -> {
              n.getSpec().getTaints().add(taint);
              return n;
            });
    cleanups.add(
        () ->
            admin
                .nodes()
                .withName(node)
                .edit(
                    n -> {
                      n.getSpec()
                          .getTaints()
                          .removeIf(t -> GpuQuarantine.TAINT_KEY.equals(t.getKey()));
                      return n;
                    }));
  }

  private static List<Device> sliceDevices(KubernetesClient admin, String node) {
    return admin
        .resources(ResourceSlice.class)
        .withField("spec.nodeName", node)
        .list()
        .getItems()
        .stream()
        .flatMap(s -> s.getSpec().getDevices().stream())
        .toList();
  }

  private static String sliceUuid(KubernetesClient admin, String node, String device) {
    return sliceDevices(admin, node).stream()
        .filter(d -> d.getName().equals(device))
        .findFirst()
        .orElseThrow()
        .getAttributes()
        .get("uuid")
        .getString();
  }
}
