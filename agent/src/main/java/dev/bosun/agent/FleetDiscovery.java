package dev.bosun.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.api.v1alpha1.GpuQuarantine;
import dev.bosun.api.v1alpha1.NodeAgents;
import dev.bosun.gpu.model.GpuIdentity;
import dev.bosun.gpu.model.PciAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * <b>Pure</b>: which nodes of a cluster a simulated fleet plays, and their GPUs, from the API
 * server's lists of Nodes and ResourceSlices (JSON as served). A node is simulated when KWOK plays
 * its kubelet (the annotation {@value #KWOK_ANNOTATION}); its GPUs are the devices of its
 * ResourceSlices of driver {@value #DRIVER}, each with the UUID, index and PCI address the slice
 * gives it, so that a fault on GPU index I of node N is device {@code gpu-I} of pool N. A node
 * whose GPUs are split into MIG instances has its parent GPUs simulated (a whole-GPU fault takes
 * its instances with it). A node without a slice yet is left for the next look.
 */
final class FleetDiscovery {

  static final String DRIVER = GpuQuarantine.DRIVER;
  static final String KWOK_ANNOTATION = "kwok.x-k8s.io/node";
  private static final String PCI_BUS_ID = "resource.kubernetes.io/pciBusID";

  /** A node to simulate and its GPUs, by index. */
  record SimulatedNode(String name, List<GpuIdentity> gpus) {
    SimulatedNode {
      gpus = List.copyOf(gpus);
    }
  }

  private FleetDiscovery() {}

  /** The simulated nodes among {@code nodes} with GPUs in {@code slices}, by name. */
  static List<SimulatedNode> nodes(JsonNode nodes, JsonNode slices) {
    Set<String> simulated =
        items(nodes)
            .filter(n -> n.path("metadata").path("annotations").has(KWOK_ANNOTATION))
            .map(n -> n.path("metadata").path("name").asText())
            .collect(Collectors.toSet());
    Map<String, Map<Integer, GpuIdentity>> gpus = new TreeMap<>();
    items(slices)
        .filter(s -> DRIVER.equals(s.path("spec").path("driver").asText()))
        .filter(s -> simulated.contains(s.path("spec").path("nodeName").asText()))
        .forEach(
            s -> {
              var ofNode =
                  gpus.computeIfAbsent(
                      s.path("spec").path("nodeName").asText(), _ -> new HashMap<>());
              for (JsonNode device : s.path("spec").path("devices")) {
                GpuIdentity gpu = gpuOf(device.path("attributes"));
                if (gpu != null) ofNode.putIfAbsent(gpu.index(), gpu);
              }
            });
    List<SimulatedNode> found = new ArrayList<>();
    gpus.forEach(
        (name, byIndex) -> {
          if (!byIndex.isEmpty())
            found.add(
                new SimulatedNode(
                    name,
                    byIndex.values().stream()
                        .sorted(Comparator.comparingInt(GpuIdentity::index))
                        .toList()));
        });
    return List.copyOf(found);
  }

  /**
   * The whole GPU a device is or is part of: a {@code gpu} device itself, a {@code mig} device's
   * parent; {@code null} for a device that says neither.
   */
  private static GpuIdentity gpuOf(JsonNode attributes) {
    String type = attributes.path("type").path("string").asText();
    boolean mig = type.equals("mig");
    if (!mig && !type.equals("gpu")) return null;
    JsonNode index = attributes.path(mig ? "parentIndex" : "index").path("int");
    String uuid = attributes.path(mig ? "parentUUID" : "uuid").path("string").asText(null);
    var pci = PciAddress.parse(attributes.path(PCI_BUS_ID).path("string").asText(null));
    if (!index.canConvertToInt() || index.asInt() < 0 || uuid == null || pci.isEmpty()) return null;
    return new GpuIdentity(
        index.asInt(),
        uuid,
        attributes.path("productName").path("string").asText("NVIDIA GPU"),
        pci.get());
  }

  /** The agent DaemonSet's pods ({@link NodeAgents}). */
  static final String AGENT_SELECTOR = NodeAgents.NAME_LABEL + "=" + NodeAgents.NAME;

  /** An agent pod the fleet plays: where its /metrics would listen in the pod network. */
  record AgentPod(String name, String ip, int port) {}

  /**
   * The agent pods (of the DaemonSet in {@code deploy/agent/}) on nodes the fleet plays, by node: a
   * pod scheduled there, not being deleted, with an IP; its port is the container port named
   * {@value NodeAgents#METRICS_PORT_NAME}, else {@value NodeAgents#METRICS_PORT}. Of two pods on
   * one node (a rollout), the first by name.
   */
  static Map<String, AgentPod> agentPods(JsonNode pods, Set<String> played) {
    Map<String, AgentPod> byNode = new TreeMap<>();
    items(pods)
        .filter(p -> !p.path("metadata").has("deletionTimestamp"))
        .filter(p -> played.contains(p.path("spec").path("nodeName").asText()))
        .filter(p -> !p.path("status").path("podIP").asText().isEmpty())
        .sorted(Comparator.comparing(p -> p.path("metadata").path("name").asText()))
        .forEach(
            p ->
                byNode.putIfAbsent(
                    p.path("spec").path("nodeName").asText(),
                    new AgentPod(
                        p.path("metadata").path("name").asText(),
                        p.path("status").path("podIP").asText(),
                        metricsPort(p.path("spec").path("containers")))));
    return byNode;
  }

  private static int metricsPort(JsonNode containers) {
    for (JsonNode container : containers)
      for (JsonNode port : container.path("ports"))
        if (NodeAgents.METRICS_PORT_NAME.equals(port.path("name").asText())
            && port.path("containerPort").canConvertToInt())
          return port.path("containerPort").asInt();
    return NodeAgents.METRICS_PORT;
  }

  /**
   * When in each interval a node's agent samples: spread over the interval by the node's name, so
   * that a thousand agents do not sample (and heartbeat) in the same instant, and a node keeps its
   * moment across restarts of the fleet.
   */
  static Duration phase(String node, Duration interval) {
    long slot = Math.floorMod(node.hashCode(), 1000);
    return interval.multipliedBy(slot).dividedBy(1000);
  }

  private static Stream<JsonNode> items(JsonNode list) {
    return StreamSupport.stream(list.path("items").spliterator(), false);
  }
}
