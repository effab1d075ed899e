package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bosun.gpu.model.GpuIdentity;
import dev.bosun.gpu.model.PciAddress;
import java.time.Duration;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Which nodes a fleet plays and their GPUs, from the lists the API server serves. */
class FleetDiscoveryTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static String node(String name, boolean kwok) {
    return """
        {"metadata": {"name": "%s", "annotations": {%s}}}"""
        .formatted(name, kwok ? "\"kwok.x-k8s.io/node\": \"fake\"" : "");
  }

  static String gpu(int index, String uuid, String pci) {
    return """
        {"name": "gpu-%d", "attributes": {
          "type": {"string": "gpu"}, "uuid": {"string": "%s"}, "index": {"int": %d},
          "productName": {"string": "NVIDIA H100 80GB HBM3"},
          "resource.kubernetes.io/pciBusID": {"string": "%s"}}}"""
        .formatted(index, uuid, index, pci);
  }

  static String mig(int parent, int instance, String parentUuid, String pci) {
    return """
        {"name": "gpu-%d-mig-1g10gb-%d", "attributes": {
          "type": {"string": "mig"}, "uuid": {"string": "MIG-%d-%d"},
          "parentUUID": {"string": "%s"}, "parentIndex": {"int": %d},
          "productName": {"string": "NVIDIA H100 80GB HBM3"},
          "resource.kubernetes.io/pciBusID": {"string": "%s"}}}"""
        .formatted(parent, instance, parent, instance, parentUuid, parent, pci);
  }

  static String slice(String node, String driver, String... devices) {
    return """
        {"spec": {"driver": "%s", "nodeName": "%s", "pool": {"name": "%s"}, "devices": [%s]}}"""
        .formatted(driver, node, node, String.join(",", devices));
  }

  static JsonNode list(String... items) throws Exception {
    return JSON.readTree("{\"items\": [" + String.join(",", items) + "]}");
  }

  @Test
  void kwokNodesWithTheirSliceGpusInIndexOrder() throws Exception {
    var nodes =
        FleetDiscovery.nodes(
            list(node("b", true), node("a", true), node("real", false), node("no-slice", true)),
            list(
                slice(
                    "a",
                    "gpu.nvidia.com",
                    gpu(1, "GPU-a1", "0000:2a:00.0"),
                    gpu(0, "GPU-a0", "0000:18:00.0")),
                slice("b", "gpu.nvidia.com", gpu(0, "GPU-b0", "0001:18:00.0")),
                slice("real", "gpu.nvidia.com", gpu(0, "GPU-r0", "0000:18:00.0")),
                slice("a", "other.example.com", gpu(7, "GPU-other", "0000:99:00.0"))));

    assertThat(nodes).extracting(FleetDiscovery.SimulatedNode::name).containsExactly("a", "b");
    assertThat(nodes.getFirst().gpus())
        .containsExactly(
            new GpuIdentity(0, "GPU-a0", "NVIDIA H100 80GB HBM3", PciAddress.of("0000:18:00.0")),
            new GpuIdentity(1, "GPU-a1", "NVIDIA H100 80GB HBM3", PciAddress.of("0000:2a:00.0")));
    assertThat(nodes.get(1).gpus().getFirst().pci()).isEqualTo(PciAddress.of("0001:18:00.0"));
  }

  @Test
  void aMigNodeHasItsParentGpus() throws Exception {
    var nodes =
        FleetDiscovery.nodes(
            list(node("m", true)),
            list(
                slice(
                    "m",
                    "gpu.nvidia.com",
                    mig(0, 0, "GPU-p0", "0000:18:00.0"),
                    mig(0, 1, "GPU-p0", "0000:18:00.0"),
                    mig(1, 0, "GPU-p1", "0000:2a:00.0"))));

    assertThat(nodes)
        .singleElement()
        .satisfies(
            n ->
                assertThat(n.gpus())
                    .extracting(GpuIdentity::index, GpuIdentity::uuid)
                    .containsExactly(tuple(0, "GPU-p0"), tuple(1, "GPU-p1")));
  }

  @Test
  void aDeviceWithoutUuidIndexOrAddressIsLeftOut() throws Exception {
    var nodes =
        FleetDiscovery.nodes(
            list(node("a", true)),
            list(
                slice(
                    "a",
                    "gpu.nvidia.com",
                    gpu(0, "GPU-a0", "not an address"),
                    gpu(1, "GPU-a1", "0000:2a:00.0"),
                    "{\"name\": \"x\", \"attributes\": {\"type\": {\"string\": \"gpu\"}}}")));
    assertThat(nodes.getFirst().gpus()).extracting(GpuIdentity::index).containsExactly(1);
  }

  static String agentPod(String name, String node, String ip, String ports, boolean deleting) {
    return """
        {"metadata": {"name": "%s"%s},
         "spec": {"nodeName": "%s", "containers": [{"name": "agent", "ports": [%s]}]},
         "status": {"podIP": "%s"}}"""
        .formatted(
            name,
            deleting ? ", \"deletionTimestamp\": \"2026-12-01T08:00:00Z\"" : "",
            node,
            ports,
            ip);
  }

  static final String METRICS_9400 = "{\"name\": \"metrics\", \"containerPort\": 9400}";

  @Test
  void agentPodsOnPlayedNodesWithAnIpAtTheirMetricsPort() throws Exception {
    var pods =
        FleetDiscovery.agentPods(
            list(
                agentPod("agent-a", "a", "10.0.0.1", METRICS_9400, false),
                agentPod(
                    "agent-b",
                    "b",
                    "10.0.0.2",
                    "{\"name\": \"metrics\", \"containerPort\": 9500}",
                    false),
                agentPod("agent-c", "c", "10.0.0.3", "", false),
                agentPod("agent-d-old", "d", "10.0.0.4", METRICS_9400, true),
                agentPod("agent-e", "e", "", METRICS_9400, false),
                agentPod("agent-real", "real", "10.0.0.6", METRICS_9400, false),
                agentPod("agent-a-2", "a", "10.0.0.7", METRICS_9400, false)),
            Set.of("a", "b", "c", "d", "e"));

    assertThat(pods)
        .containsExactly(
            entry("a", new FleetDiscovery.AgentPod("agent-a", "10.0.0.1", 9400)),
            entry("b", new FleetDiscovery.AgentPod("agent-b", "10.0.0.2", 9500)),
            entry("c", new FleetDiscovery.AgentPod("agent-c", "10.0.0.3", 9400)));
  }

  @Test
  void phasesSpreadOverTheIntervalAndStayPut() {
    Duration interval = Duration.ofSeconds(1);
    var phases =
        IntStream.range(0, 1000)
            .mapToObj(i -> FleetDiscovery.phase("gpu-node-%04d".formatted(i), interval))
            .toList();
    assertThat(phases)
        .allSatisfy(p -> assertThat(p).isBetween(Duration.ZERO, interval.minusNanos(1)));
    assertThat(phases.stream().distinct().count()).isGreaterThan(500);
    assertThat(FleetDiscovery.phase("gpu-node-0001", interval))
        .isEqualTo(FleetDiscovery.phase("gpu-node-0001", interval));
  }
}
